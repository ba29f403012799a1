/// TFRecord framing, the container of TensorBoard event files: each record is its length
/// (8 bytes, little-endian), the masked CRC-32C of those 8 bytes, the data, and the masked
/// CRC-32C of the data (4 bytes each, little-endian).
enum TFRecord {
    /// `data` framed as one record.
    static func frame(_ data: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
        record += length
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { record.append(contentsOf: $0) }
        record += data
        withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { record.append(contentsOf: $0) }
        return record
    }
}
