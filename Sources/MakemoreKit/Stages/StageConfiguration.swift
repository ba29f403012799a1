/// Which stage to build and its model's hyperparameters: the typed, `Codable` description a
/// `Stage` is made from (`.mlp(MLPConfiguration())`, `.gru(SequenceModelConfiguration())`, or
/// `StageConfiguration(kind, settings)` for any registered stage). The vocabulary size is always
/// taken from the data, and a whole-word model's block size of 0 means "the longest word + 1".
public struct StageConfiguration: Equatable, Sendable, Codable {
    /// The stage this configures.
    public let kind: StageKind
    /// The range of the neural bigram's l2 penalty (the count bigram's smoothing is
    /// `CountBigram.Configuration.smoothingLimit`).
    package static let l2Limit = Limit<Double>("l2", 0...1e6)

    /// The stage's settings: its model's `Configuration` (the bigrams: `CountBigram.Configuration`,
    /// `NeuralBigramSettings`).
    public let settings: any StageSettings

    /// `settings` for the registered stage `kind`, whose definition must take settings of this type.
    public init(_ kind: StageKind, _ settings: some StageSettings) {
        self.kind = kind
        self.settings = settings
    }

    /// The settings as a `C`, nil when the stage takes another type.
    public func settings<C: StageSettings>(as type: C.Type) -> C? { settings as? C }

    public static func == (a: StageConfiguration, b: StageConfiguration) -> Bool { a.kind == b.kind && a.settings.isEqual(to: b.settings) }

    enum CodingKeys: String, CodingKey { case kind, settings }

    /// `{"kind": "mlp", "settings": {…}}`, the settings in the stage's own snake_case keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try settings.encode(to: container.superEncoder(forKey: .settings))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(StageKind.self, forKey: .kind)
        settings = try kind.definition.decodeSettings(container.superDecoder(forKey: .settings))
    }

    /// Counts with additive `smoothing` (a pseudo-count added to every pair).
    public static func bigram(smoothing: Double = 1) -> StageConfiguration { .init(.bigram, CountBigram.Configuration(smoothing: smoothing)) }
    /// One V×V weight matrix; `l2` adds l2·mean(W²) to the training loss.
    public static func neuralBigram(l2: Double = 0.01) -> StageConfiguration { .init(.neuralBigram, NeuralBigramSettings(l2: l2)) }
    public static func mlp(_ c: MLPConfiguration) -> StageConfiguration { .init(.mlp, c) }
    public static func wavenet(_ c: WaveNetConfiguration) -> StageConfiguration { .init(.wavenet, c) }
    public static func bow(_ c: SequenceModelConfiguration) -> StageConfiguration { .init(.bow, c) }
    public static func rnn(_ c: SequenceModelConfiguration) -> StageConfiguration { .init(.rnn, c) }
    public static func gru(_ c: SequenceModelConfiguration) -> StageConfiguration { .init(.gru, c) }
    public static func transformer(_ c: TransformerConfiguration) -> StageConfiguration { .init(.transformer, c) }
    /// makemore.py's MLP: `n_embd`, `n_embd2` and the block size (its context).
    public static func makemoreMLP(_ c: SequenceModelConfiguration) -> StageConfiguration { .init(.makemoreMLP, c) }
}

/// What a stage is configured with: `Codable` (checkpoints and programs store it), comparable.
public protocol StageSettings: Codable, Sendable, Equatable {}

extension StageSettings {
    /// Whether `other` is the same settings.
    func isEqual(to other: any StageSettings) -> Bool { (other as? Self) == self }
}

/// A whole-word model's configuration: its block size, 0 meaning "the longest word + 1" until
/// a stage sets it from the data.
public protocol BlockSizedConfiguration: ModelConfiguration, StageSettings {
    /// Positions per sequence.
    var blockSize: Int { get set }
}

/// The neural bigram stage's setting beyond its model (a V×V matrix the data sizes).
public struct NeuralBigramSettings: StageSettings {
    /// The weight of the l2·mean(W²) penalty added to the training loss.
    public var l2: Double

    public init(l2: Double = 0.01) { self.l2 = l2 }
}

extension CountBigram.Configuration: StageSettings {
    public static func == (a: Self, b: Self) -> Bool { a.smoothing == b.smoothing }
}
extension MLPConfiguration: StageSettings {}
extension WaveNetConfiguration: StageSettings {}
extension SequenceModelConfiguration: BlockSizedConfiguration {}
extension TransformerConfiguration: BlockSizedConfiguration {}

extension MLPConfiguration {
    /// The lecture's configuration (context 3, embedding 10, one hidden block of 200 with
    /// BatchNorm) with `embeddingDimensions` of its own if given; the vocabulary size is set from
    /// the data.
    public init(embeddingDimensions: Int = 10) {
        self.init(vocabularySize: 0)
        self.embeddingDimensions = embeddingDimensions
    }
}

extension WaveNetConfiguration {
    /// The lecture's configuration (context 8, embedding 24, hidden 128, BatchNorm); the
    /// vocabulary size is set from the data.
    public init() { self.init(vocabularySize: 0) }
}

extension SequenceModelConfiguration {
    /// makemore.py's sizes; the vocabulary and the block size (0: longest word + 1) are set from
    /// the data.
    public init(embedding: Int = 64, hidden: Int = 64, blockSize: Int = 0) {
        self.init(vocabularySize: 0, blockSize: blockSize, embedding: embedding, hidden: hidden)
    }
}

extension TransformerConfiguration {
    /// makemore.py's sizes (4 layers, 4 heads, 64 channels, no dropout); the vocabulary and the
    /// block size (0: longest word + 1) are set from the data.
    public init(layers: Int = 4, heads: Int = 4, embedding: Int = 64, dropout: Double = 0, blockSize: Int = 0) {
        self.init(vocabularySize: 0, blockSize: blockSize, layers: layers, heads: heads, embedding: embedding, dropout: dropout)
    }
}
