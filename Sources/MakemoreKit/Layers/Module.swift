/// A module's sub-modules by name, in state-dict order.
public typealias ModuleChildren = [(name: String, module: any Module)]

/// A layer or model: a tree of modules, each declaring its children and its own tensors once.
/// Named parameters, buffers, the state dict, the parameter count and the train / eval mode
/// are derived from the tree.
///
/// Names are dotted paths equal to PyTorch's state-dict keys (`layers.0.weight`,
/// `layers.1.running_mean`): a module's own tensors first, then each child's under the
/// child's name, as `nn.Module.named_parameters` orders them. A child's name is itself a dotted
/// path where PyTorch nests a container (`transformer.wte`, `mlp.c_fc`).
///
/// A module's type (not its instances) may be shared between threads (`SendableMetatype`):
/// `DataParallel` hands one copy of a model to each thread.
public protocol Module: AnyObject, SendableMetatype {
    /// The sub-modules, by name, in state-dict order.
    var children: ModuleChildren { get }
    /// This module's own trainable tensors (not its children's), by name.
    var ownParameters: [(name: String, tensor: Tensor)] { get }
    /// This module's own non-trainable state (BatchNorm running statistics, stored masks), by name.
    var ownBuffers: [(name: String, tensor: Tensor)] { get }
}

/// A module whose own computation differs between training and evaluation (BatchNorm's batch
/// statistics, dropout's masks). `Module.setTraining` and `Module.evaluating` switch every one
/// in a tree.
package protocol ModeDependent: Module {
    /// Whether the training behaviour is on.
    var isTraining: Bool { get set }
}

extension Module {
    /// No own parameters by default.
    public var ownParameters: [(name: String, tensor: Tensor)] { [] }
    /// No own buffers by default.
    public var ownBuffers: [(name: String, tensor: Tensor)] { [] }

    /// Trainable tensors of the whole tree by dotted name, in state-dict order.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        ownParameters + children.flatMap { prefixed($0.name, $0.module.namedParameters()) }
    }

    /// Non-trainable state of the whole tree by dotted name, in state-dict order.
    public func namedBuffers() -> [(name: String, tensor: Tensor)] {
        ownBuffers + children.flatMap { prefixed($0.name, $0.module.namedBuffers()) }
    }

    /// The trainable tensors in state-dict order, for an optimizer (no names built: data
    /// parallelism reads them every step).
    public var parameters: [Tensor] {
        var tensors: [Tensor] = []
        appendParameters(to: &tensors)
        return tensors
    }

    private func appendParameters(to tensors: inout [Tensor]) {
        for (_, tensor) in ownParameters { tensors.append(tensor) }
        for (_, child) in children { child.appendParameters(to: &tensors) }
    }

    /// Number of trainable numbers.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.tensor.count } }

    /// Parameters then buffers: everything a checkpoint stores.
    public func stateDict() -> [(name: String, tensor: Tensor)] { namedParameters() + namedBuffers() }

    /// The mode-dependent modules of the tree (this one included), depth first.
    package var modeDependentModules: [any ModeDependent] {
        ((self as? any ModeDependent).map { [$0] } ?? []) + children.flatMap { $0.module.modeDependentModules }
    }

    /// The random streams the module's layers draw from while training (dropout masks), each
    /// once, in module order: part of what continuing a run exactly needs.
    package var randomStreams: [RandomStream] {
        var seen = Set<ObjectIdentifier>()
        return (((self as? Dropout).map { [$0.stream] } ?? []) + children.flatMap { $0.module.randomStreams })
            .filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    /// Switches training-only behaviour (BatchNorm batch statistics, dropout) on or off in every
    /// module of the tree, until switched again.
    public func setTraining(_ training: Bool) {
        for module in modeDependentModules { module.isTraining = training }
    }

    /// Runs `body` in evaluation mode (running statistics, no dropout) without recording a graph,
    /// then puts every module back in the mode it had: what scoring and sampling run in.
    public func evaluating<R>(_ body: () throws -> R) rethrows -> R {
        try MakemoreKit.evaluating(modeDependentModules, body)
    }
}

/// `body` with `modules` in evaluation mode and no graph recorded, each put back as it was: what
/// `Module.evaluating` does, for callers that found a model's modules once (a decoder, every step).
func evaluating<R>(_ modules: [any ModeDependent], _ body: () throws -> R) rethrows -> R {
    let switched = modules.filter(\.isTraining)
    for module in switched { module.isTraining = false }
    defer { for module in switched { module.isTraining = true } }
    return try Tensor.withoutGradient(body)
}

/// A module that maps one tensor to another, composable in a `Sequential`.
public protocol Layer: Module {
    /// The layer applied to `x`.
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// `entries` with `prefix.` put before every name.
func prefixed(_ prefix: String, _ entries: [(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)] {
    entries.map { ("\(prefix).\($0.name)", $0.tensor) }
}
