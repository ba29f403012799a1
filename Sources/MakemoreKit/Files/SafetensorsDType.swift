/// The safetensors element types this reader converts to `Float`.
enum SafetensorsDType: String {
    case f32 = "F32"
    case f64 = "F64"
    case f16 = "F16"
    case bf16 = "BF16"

    /// Bytes per element.
    var size: Int {
        switch self {
        case .f32: return 4
        case .f64: return 8
        case .f16, .bf16: return 2
        }
    }

    /// `count` little-endian elements of this type starting at `offset`, as `Float`s.
    /// The caller has checked that `offset + count * size <= bytes.count`.
    func values(_ bytes: [UInt8], from offset: Int, count: Int) -> [Float] {
        bytes.withUnsafeBytes { raw in
            func load<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: offset + index * size, as: T.self))
            }
            switch self {
            case .f32: return (0..<count).map { Float(bitPattern: load(UInt32.self, $0)) }
            case .f64: return (0..<count).map { Float(Double(bitPattern: load(UInt64.self, $0))) }
            case .f16: return (0..<count).map { Float(Float16(bitPattern: load(UInt16.self, $0))) }
            case .bf16: return (0..<count).map { Float(bitPattern: UInt32(load(UInt16.self, $0)) << 16) }
            }
        }
    }
}
