/// A restricted unpickler for the `data.pkl` of a `torch.save(model.state_dict())` archive: it
/// understands only what a state dict of float tensors needs and runs nothing, the promise of
/// `torch.load(weights_only=True)`.
///
/// Opcodes (protocol 2): PROTO 2, GLOBAL / STACK_GLOBAL (of the globals below only), the memo
/// (BINPUT, LONG_BINPUT, BINGET, LONG_BINGET), MARK, the tuples (EMPTY_TUPLE, TUPLE, TUPLE1–3),
/// BINUNICODE, the integers (BININT1, BININT2, BININT, LONG1 up to 8 bytes), NONE, NEWTRUE,
/// NEWFALSE, EMPTY_DICT, SETITEM, SETITEMS, REDUCE, BINPERSID, BUILD and STOP. Globals:
/// `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2` and the storages
/// `torch.FloatStorage`, `HalfStorage`, `BFloat16Storage`, `DoubleStorage`. Calls: an empty
/// `OrderedDict()` and `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
/// backward_hooks[, metadata])`; persistent ids `('storage', type, key, location, numel)`; BUILD
/// only sets the `_metadata` of an OrderedDict, which is ignored. Every other opcode, global or
/// call is refused with a one-line `MakemoreError` naming it.
struct StateDictPickle {
    /// One `_rebuild_tensor_v2` call: a view of a storage.
    struct TensorRecord {
        /// The storage's key: its data is the archive entry `data/<key>`.
        let storageKey: String
        let dtype: SafetensorsDType
        /// Elements the storage holds, as the persistent id says.
        let storageCount: Int
        /// First element of the tensor within the storage.
        let offset: Int
        let shape: [Int]
        let strides: [Int]
    }

    /// The state dict's entries in pickle order.
    let entries: [(name: String, tensor: TensorRecord)]

    /// Runs the restricted machine over `bytes`; `name` labels errors.
    init(bytes: ArraySlice<UInt8>, name: String) throws {
        var machine = Machine(bytes: bytes, name: name)
        let result = try machine.run()
        guard case .dictionary(let dictionary) = result, dictionary.isOrdered else {
            throw MakemoreError.file(path: name, reason: "the pickle does not hold an OrderedDict state dict")
        }
        var entries: [(name: String, tensor: TensorRecord)] = []
        var seen: Set<String> = []
        for (key, value) in dictionary.items {
            guard case .string(let key) = key, case .tensor(let tensor) = value else {
                throw MakemoreError.file(path: name, reason: "a state dict entry is not a name and a tensor")
            }
            guard seen.insert(key).inserted else { throw MakemoreError.file(path: name, reason: "the state dict names \(SafetensorsFile.quoted(key)) twice") }
            entries.append((key, tensor))
        }
        self.entries = entries
    }
}

/// A value on the machine's stack.
private indirect enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case string(String)
    /// A tuple and its nesting depth.
    case tuple([Value], depth: Int)
    case dictionary(Dictionary)
    case global(Global)
    case storage(Storage)
    case tensor(StateDictPickle.TensorRecord)

    /// How deeply tuples and dicts may nest: a state dict needs 3 levels, and a bound keeps a
    /// hostile pickle from building a structure too deep to release without recursion.
    static let maximumDepth = 16

    /// Levels of tuples and dicts in this value.
    var depth: Int {
        switch self {
        case .tuple(_, let depth): return depth
        case .dictionary(let dictionary): return dictionary.depth
        default: return 0
        }
    }

    /// A Python `dict` or `OrderedDict`, shared by reference as Python's are. Once placed inside
    /// a tuple or another dict it is frozen, so the depth recorded for its container stays true.
    final class Dictionary {
        let isOrdered: Bool
        private(set) var items: [(Value, Value)] = []
        private(set) var depth = 1
        private(set) var isFrozen = false
        init(isOrdered: Bool) { self.isOrdered = isOrdered }

        /// Adds `key: value`; false if frozen or too deep.
        func insert(_ key: Value, _ value: Value) -> Bool {
            guard !isFrozen, max(key.depth, value.depth) < Value.maximumDepth else { return false }
            key.freeze()
            value.freeze()
            items.append((key, value))
            depth = max(depth, key.depth + 1, value.depth + 1)
            return true
        }

        func freeze() { isFrozen = true }
    }

    /// Freezes a dictionary about to be placed in a container.
    func freeze() {
        if case .dictionary(let dictionary) = self { dictionary.freeze() }
    }

    /// A persistent id resolved to a storage.
    struct Storage {
        let key: String
        let dtype: SafetensorsDType
        let count: Int
    }
}

/// The only globals a state dict may name.
private enum Global {
    case orderedDict
    case rebuildTensor
    case storageType(SafetensorsDType)

    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensor
        case ("torch", "FloatStorage"): self = .storageType(.f32)
        case ("torch", "HalfStorage"): self = .storageType(.f16)
        case ("torch", "BFloat16Storage"): self = .storageType(.bf16)
        case ("torch", "DoubleStorage"): self = .storageType(.f64)
        default: return nil
        }
    }
}

/// The pickle virtual machine, restricted.
private struct Machine {
    let bytes: ArraySlice<UInt8>
    let name: String
    var position: Int
    var stack: [Value] = []
    /// Stack heights at each open MARK.
    var marks: [Int] = []
    var memo: [Int: Value] = [:]

    init(bytes: ArraySlice<UInt8>, name: String) {
        self.bytes = bytes
        self.name = name
        position = bytes.startIndex
    }

    func failure(_ what: String) -> MakemoreError { MakemoreError.file(path: name, reason: "\(what)") }

    mutating func run() throws -> Value {
        while true {
            let at = position - bytes.startIndex
            let opcode = try byte()
            switch opcode {
            case 0x80:  // PROTO
                let version = try byte()
                guard version == 2 else { throw failure("pickle protocol \(version) is not read (torch.save writes protocol 2)") }
            case UInt8(ascii: "c"):  // GLOBAL
                let module = try line(), global = try line()
                stack.append(.global(try allowedGlobal(module: module, name: global)))
            case 0x93:  // STACK_GLOBAL
                let global = try pop(), module = try pop()
                guard case .string(let moduleName) = module, case .string(let globalName) = global else {
                    throw failure("STACK_GLOBAL without a module and a name")
                }
                stack.append(.global(try allowedGlobal(module: moduleName, name: globalName)))
            case UInt8(ascii: "q"): memo[try integer(1)] = try top()  // BINPUT
            case UInt8(ascii: "r"): memo[try integer(4)] = try top()  // LONG_BINPUT
            case UInt8(ascii: "h"), UInt8(ascii: "j"):  // BINGET, LONG_BINGET
                let index = try integer(opcode == UInt8(ascii: "h") ? 1 : 4)
                guard let value = memo[index] else { throw failure("pickle memo \(index) read before it is written (byte \(at))") }
                stack.append(value)
            case UInt8(ascii: "("): marks.append(stack.count)  // MARK
            case UInt8(ascii: ")"): stack.append(try tuple([]))  // EMPTY_TUPLE
            case UInt8(ascii: "t"): stack.append(try tuple(try popToMark()))  // TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                let count = Int(opcode - 0x84)
                guard stack.count - count >= (marks.last ?? 0) else { throw failure("pickle stack underflow at byte \(at)") }
                let items = Array(stack.suffix(count))
                stack.removeLast(count)
                stack.append(try tuple(items))
            case UInt8(ascii: "X"):  // BINUNICODE
                let length = try integer(4)
                guard let text = String(validating: try read(length), as: UTF8.self) else { throw failure("pickle string at byte \(at) is not UTF-8") }
                stack.append(.string(text))
            case UInt8(ascii: "K"): stack.append(.int(try integer(1)))  // BININT1
            case UInt8(ascii: "M"): stack.append(.int(try integer(2)))  // BININT2
            case UInt8(ascii: "J"): stack.append(.int(Int(Int32(truncatingIfNeeded: try integer(4)))))  // BININT
            case 0x8A:  // LONG1
                let count = Int(try byte())
                guard count <= 8 else { throw failure("pickle integer of \(count) bytes at byte \(at) is too large") }
                let raw = try read(count)
                var value = raw.reversed().reduce(0) { $0 << 8 | Int($1) }
                if count > 0 && count < 8 && raw.last! & 0x80 != 0 { value -= 1 << (8 * count) }
                stack.append(.int(value))
            case UInt8(ascii: "N"): stack.append(.none)  // NONE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case UInt8(ascii: "}"): stack.append(.dictionary(Value.Dictionary(isOrdered: false)))  // EMPTY_DICT
            case UInt8(ascii: "s"):  // SETITEM
                let value = try pop(), key = try pop()
                try insert(key, value, into: try dictionaryOnTop(), at: at)
            case UInt8(ascii: "u"):  // SETITEMS
                let items = try popToMark()
                guard items.count % 2 == 0 else { throw failure("SETITEMS with an odd number of values at byte \(at)") }
                let dictionary = try dictionaryOnTop()
                for i in stride(from: 0, to: items.count, by: 2) { try insert(items[i], items[i + 1], into: dictionary, at: at) }
            case UInt8(ascii: "R"):  // REDUCE
                let arguments = try pop(), callable = try pop()
                guard case .tuple(let arguments, _) = arguments, case .global(let global) = callable else {
                    throw failure("REDUCE at byte \(at) calls something other than an allowed global")
                }
                stack.append(try call(global, arguments))
            case UInt8(ascii: "Q"): stack.append(try persistentLoad(try pop()))  // BINPERSID
            case UInt8(ascii: "b"):  // BUILD
                let state = try pop()
                guard case .dictionary(let state) = state, !state.isOrdered, try dictionaryOnTop().isOrdered else {
                    throw failure("BUILD at byte \(at) sets the state of something other than an OrderedDict")
                }
            case UInt8(ascii: "."):  // STOP
                guard stack.count == 1, marks.isEmpty else { throw failure("the pickle stops with \(stack.count) values on its stack") }
                return stack[0]
            default:
                throw failure("refusing pickle opcode \(Machine.opcodeNames[opcode].map { "\($0) " } ?? "")(0x\(String(opcode, radix: 16))) at byte \(at)")
            }
        }
    }

    func allowedGlobal(module: String, name global: String) throws -> Global {
        guard let allowed = Global(module: module, name: global) else {
            throw failure("refusing pickle global \(SafetensorsFile.quoted("\(module).\(global)"))")
        }
        return allowed
    }

    /// `OrderedDict()` or `_rebuild_tensor_v2(…)`.
    func call(_ global: Global, _ arguments: [Value]) throws -> Value {
        switch global {
        case .orderedDict:
            guard arguments.isEmpty else { throw failure("OrderedDict called with arguments") }
            return .dictionary(Value.Dictionary(isOrdered: true))
        case .rebuildTensor:
            guard arguments.count == 6 || arguments.count == 7,
                  case .storage(let storage) = arguments[0], case .int(let offset) = arguments[1],
                  case .tuple(let size, _) = arguments[2], case .tuple(let stride, _) = arguments[3],
                  case .bool = arguments[4], case .dictionary(let hooks) = arguments[5], hooks.items.isEmpty
            else { throw failure("_rebuild_tensor_v2 called with arguments other than (storage, offset, size, stride, requires_grad, {})") }
            let shape = try size.map(integerValue), strides = try stride.map(integerValue)
            guard shape.count == strides.count else { throw failure("a tensor has \(shape.count) sizes but \(strides.count) strides") }
            return .tensor(StateDictPickle.TensorRecord(storageKey: storage.key, dtype: storage.dtype, storageCount: storage.count,
                                                        offset: offset, shape: shape, strides: strides))
        case .storageType:
            throw failure("a storage type is called")
        }
    }

    /// `('storage', storage type, key, location, numel)` → the storage.
    func persistentLoad(_ id: Value) throws -> Value {
        guard case .tuple(let fields, _) = id, fields.count == 5, case .string("storage") = fields[0],
              case .global(.storageType(let dtype)) = fields[1], case .string(let key) = fields[2],
              case .string = fields[3], case .int(let count) = fields[4], count >= 0
        else { throw failure("a persistent id is not ('storage', type, key, location, numel)") }
        return .storage(Value.Storage(key: key, dtype: dtype, count: count))
    }

    /// A tuple of `items`, which must not nest too deeply.
    func tuple(_ items: [Value]) throws -> Value {
        let depth = 1 + (items.map(\.depth).max() ?? 0)
        guard depth <= Value.maximumDepth else { throw failure("the pickle nests tuples and dicts more than \(Value.maximumDepth) deep") }
        for item in items { item.freeze() }
        return .tuple(items, depth: depth)
    }

    func insert(_ key: Value, _ value: Value, into dictionary: Value.Dictionary, at: Int) throws {
        guard dictionary.insert(key, value) else {
            throw failure("the pickle changes a dict already inside another value, or nests more than \(Value.maximumDepth) deep (byte \(at))")
        }
    }

    func integerValue(_ value: Value) throws -> Int {
        guard case .int(let n) = value else { throw failure("a tensor size or stride is not an integer") }
        return n
    }

    mutating func read(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.endIndex - position else { throw failure("the pickle is truncated") }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func byte() throws -> UInt8 { try read(1).first! }

    /// An unsigned little-endian integer of `size` bytes.
    mutating func integer(_ size: Int) throws -> Int {
        try read(size).reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// A newline-terminated ASCII line (GLOBAL's operands), at most 256 bytes.
    mutating func line() throws -> String {
        let rest = bytes[position...].prefix(257)
        guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else { throw failure("a pickle GLOBAL name is not terminated") }
        let text = String(decoding: bytes[position..<newline], as: UTF8.self)
        position = newline + 1
        return text
    }

    mutating func pop() throws -> Value {
        guard stack.count > (marks.last ?? 0) else { throw failure("pickle stack underflow") }
        return stack.removeLast()
    }

    func top() throws -> Value {
        guard let value = stack.last else { throw failure("pickle memo stores from an empty stack") }
        return value
    }

    mutating func popToMark() throws -> [Value] {
        guard let mark = marks.popLast() else { throw failure("pickle MARK missing") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    func dictionaryOnTop() throws -> Value.Dictionary {
        guard stack.count > (marks.last ?? 0), case .dictionary(let dictionary) = stack.last! else {
            throw failure("pickle sets an item of something other than a dict")
        }
        return dictionary
    }

    /// Names of the pickle opcodes, for the refusal message.
    static let opcodeNames: [UInt8: String] = [
        0x28: "MARK", 0x2E: "STOP", 0x30: "POP", 0x31: "POP_MARK", 0x32: "DUP", 0x46: "FLOAT", 0x49: "INT", 0x4A: "BININT",
        0x4B: "BININT1", 0x4C: "LONG", 0x4D: "BININT2", 0x4E: "NONE", 0x50: "PERSID", 0x51: "BINPERSID", 0x52: "REDUCE",
        0x53: "STRING", 0x54: "BINSTRING", 0x55: "SHORT_BINSTRING", 0x56: "UNICODE", 0x58: "BINUNICODE", 0x61: "APPEND",
        0x62: "BUILD", 0x63: "GLOBAL", 0x64: "DICT", 0x7D: "EMPTY_DICT", 0x65: "APPENDS", 0x67: "GET", 0x68: "BINGET",
        0x69: "INST", 0x6A: "LONG_BINGET", 0x6C: "LIST", 0x5D: "EMPTY_LIST", 0x6F: "OBJ", 0x70: "PUT", 0x71: "BINPUT",
        0x72: "LONG_BINPUT", 0x73: "SETITEM", 0x74: "TUPLE", 0x29: "EMPTY_TUPLE", 0x75: "SETITEMS", 0x47: "BINFLOAT",
        0x80: "PROTO", 0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", 0x85: "TUPLE1", 0x86: "TUPLE2",
        0x87: "TUPLE3", 0x88: "NEWTRUE", 0x89: "NEWFALSE", 0x8A: "LONG1", 0x8B: "LONG4", 0x42: "BINBYTES",
        0x43: "SHORT_BINBYTES", 0x8C: "SHORT_BINUNICODE", 0x8D: "BINUNICODE8", 0x8E: "BINBYTES8", 0x8F: "EMPTY_SET",
        0x90: "ADDITEMS", 0x91: "FROZENSET", 0x92: "NEWOBJ_EX", 0x93: "STACK_GLOBAL", 0x94: "MEMOIZE", 0x95: "FRAME",
        0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
    ]
}
