import Foundation

extension JSONValue {
    /// `value` as JSON through its `Codable` encoding (so the keys are its coding keys), object
    /// keys sorted.
    package init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self = try JSONParser.parse([UInt8](encoder.encode(value)))
    }
}
