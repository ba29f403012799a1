/// One family of stages behind `Stage`: how its model is built, trained, scored and reported.
protocol StageEngine: AnyObject {
    /// The model's hyperparameters, sizes filled in from the data.
    var configuration: StageConfiguration { get }
    /// The model as trained, what a checkpoint stores.
    var trainedModel: any CheckpointableModel { get }
    /// The model evaluated and sampled (a window network with BatchNorm folded in).
    var inference: any LanguageModel { get }
    /// Learned numbers of the trained model.
    var parameterCount: Int { get }
    /// Whether the stage trains (all but the count bigram).
    var trains: Bool { get }
    /// The training diagnostics of the last run, for the stages that take them.
    var diagnostics: TrainingDiagnostics? { get }
    /// The optimisation step `training` describes for this model (its optimizer, moving average
    /// and batches), drawing any new model copies from `generator`.
    func makeStep(_ training: TrainingConfiguration, using generator: inout RandomGenerator) throws -> TrainingStep
    /// Trains in `loop` (its budget, schedule, events and stop condition set from `training`),
    /// batches drawn from `generator`; nil for a stage that does not train.
    func train(_ training: TrainingConfiguration, loop: TrainingLoop, using generator: inout RandomGenerator) throws -> TrainingHistory?
    /// The validation loss a checkpoint records after `history` (nil: the model never trained).
    func checkpointValidationLoss(after history: TrainingHistory?) -> Double?
    /// The stage's own report fields and text lines, given the report's losses.
    func details(losses: [SplitName: NLLResult?]) throws -> (extra: [(String, JSONValue)], notes: [String])
    /// What the memory estimate must count beyond the model's state (six copies) and one
    /// batch's activations: the rows of any pass over the whole training set at once, and the
    /// values of buffers the stage allocates besides (penalties, reference models).
    var extraFootprint: (fullPassRows: Int, elements: Double) { get }
}

extension StageEngine {
    var trains: Bool { true }
    var diagnostics: TrainingDiagnostics? { nil }
    var extraFootprint: (fullPassRows: Int, elements: Double) { (0, 0) }
}

/// The moving average of `optimizer`'s parameters that `training` asks for, if any.
func movingAverage(_ training: TrainingConfiguration, optimizer: Optimizer) -> ExponentialMovingAverage? {
    training.ema.map { ExponentialMovingAverage(parameters: optimizer.parameters, decay: $0) }
}
