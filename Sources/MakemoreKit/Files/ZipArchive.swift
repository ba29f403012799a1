/// The entries of a zip archive of stored (uncompressed) files, as PyTorch's `torch.save` writes
/// them: found through the central directory, each checked against the file before use.
///
/// Accepted: one end-of-central-directory record (PKWARE APPNOTE 4.3.16) within the last
/// 65 557 bytes; a central directory inside the file holding exactly the records it announces;
/// entries of compression method 0 (stored), compressed size = size, whose local header sits
/// inside the file, names the same file, and whose data lies inside the file before the central
/// directory and matches its CRC-32; entries (local header and data) that do not overlap, so
/// that checking them reads each byte of the file at most once; names that are relative paths
/// without `..` components or backslashes. Anything else (compression, encryption, zip64 sizes,
/// duplicate or escaping names, overlapping entries, truncation) is a one-line `MakemoreError`
/// naming the archive. Work and memory are proportional to the file's size.
struct ZipArchive {
    /// Each entry's data: its byte range in the archive, by name.
    let entries: [String: Range<Int>]
    /// Entry names in central-directory order.
    let names: [String]

    /// The directory of `bytes`; `name` labels errors.
    init(bytes: [UInt8], name: String) throws {
        func failure(_ what: String) -> MakemoreError { MakemoreError.file(path: name, reason: "\(what)") }
        func integer(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        let endRecordSize = 22
        guard bytes.count >= endRecordSize else { throw failure("not a zip archive (\(bytes.count) bytes)") }
        let lowest = max(0, bytes.count - endRecordSize - 0xFFFF)
        guard let end = stride(from: bytes.count - endRecordSize, through: lowest, by: -1).first(where: {
            integer($0, 4) == 0x0605_4B50 && $0 + endRecordSize + integer($0 + 20, 2) == bytes.count
        }) else { throw failure("not a zip archive (no end-of-central-directory record)") }
        let count = integer(end + 10, 2), directorySize = integer(end + 12, 4), directoryStart = integer(end + 16, 4)
        guard integer(end + 4, 2) == 0, integer(end + 6, 2) == 0, integer(end + 8, 2) == count else {
            throw failure("multi-disk zip archives are not supported")
        }
        guard count != 0xFFFF, directorySize != 0xFFFF_FFFF, directoryStart != 0xFFFF_FFFF else {
            throw failure("zip64 archives are not supported")
        }
        guard directoryStart + directorySize <= end else {
            throw failure("the central directory (\(directorySize) bytes at \(directoryStart)) runs past its end record at \(end)")
        }
        var entries: [String: Range<Int>] = [:]
        var names: [String] = []
        /// Each entry's whole extent (local header to end of data) and CRC-32, checked once
        /// the extents are known not to overlap.
        var extents: [(extent: Range<Int>, data: Range<Int>, crc: UInt32, label: String)] = []
        var record = directoryStart
        for _ in 0..<count {
            let fixed = 46
            guard record + fixed <= directoryStart + directorySize, integer(record, 4) == 0x0201_4B50 else {
                throw failure("central directory record \(names.count) at byte \(record) is malformed")
            }
            let flags = integer(record + 8, 2), method = integer(record + 10, 2), crc = UInt32(integer(record + 16, 4))
            let compressedSize = integer(record + 20, 4), size = integer(record + 24, 4)
            let nameLength = integer(record + 28, 2), extraLength = integer(record + 30, 2), commentLength = integer(record + 32, 2)
            let localHeader = integer(record + 42, 4)
            let next = record + fixed + nameLength + extraLength + commentLength
            guard next <= directoryStart + directorySize else { throw failure("central directory record \(names.count) runs past the directory") }
            guard let entryName = String(validating: bytes[(record + fixed)..<(record + fixed + nameLength)], as: UTF8.self) else {
                throw failure("entry \(names.count) has a name that is not UTF-8")
            }
            let label = SafetensorsFile.quoted(entryName)
            let components = entryName.split(separator: "/", omittingEmptySubsequences: false)
            guard !entryName.hasPrefix("/"), !entryName.contains("\\"), !components.contains("..") else {
                throw failure("entry \(label) names a path outside the archive")
            }
            guard flags & 1 == 0 else { throw failure("entry \(label) is encrypted") }
            guard method == 0 else { throw failure("entry \(label) is compressed (method \(method)); only stored entries are read") }
            guard compressedSize == size else { throw failure("entry \(label) is stored but its sizes differ (\(compressedSize) vs \(size))") }
            guard localHeader + 30 <= directoryStart, integer(localHeader, 4) == 0x0403_4B50 else {
                throw failure("entry \(label) has no local header at byte \(localHeader)")
            }
            let localNameLength = integer(localHeader + 26, 2), localExtraLength = integer(localHeader + 28, 2)
            let dataStart = localHeader + 30 + localNameLength + localExtraLength
            guard dataStart + size <= directoryStart else {
                throw failure("entry \(label) (\(size) bytes at \(dataStart)) runs past the data area of the archive")
            }
            guard bytes[(localHeader + 30)..<(localHeader + 30 + localNameLength)].elementsEqual(entryName.utf8) else {
                throw failure("entry \(label) has a different name in its local header")
            }
            extents.append((localHeader..<(dataStart + size), dataStart..<(dataStart + size), crc, label))
            guard entries.updateValue(dataStart..<(dataStart + size), forKey: entryName) == nil else {
                throw failure("two entries named \(label)")
            }
            names.append(entryName)
            record = next
        }
        let ordered = extents.sorted { $0.extent.lowerBound < $1.extent.lowerBound }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.extent.lowerBound < previous.extent.upperBound {
            throw failure("entries \(previous.label) and \(next.label) overlap")
        }
        for entry in ordered where ZipArchive.crc32(bytes[entry.data]) != entry.crc {
            throw failure("entry \(entry.label) is corrupt (CRC-32 mismatch)")
        }
        self.entries = entries
        self.names = names
    }

    /// The CRC-32 (ISO-HDLC, as zip uses) of `bytes`.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
}
