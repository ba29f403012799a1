/// A runtime error with a one-line message for the user (the CLI prints it and exits 1).
public struct MakemoreError: Error, CustomStringConvertible, Equatable {
    /// The message, one line, naming the file or value at fault.
    public let message: String

    /// Wraps `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
