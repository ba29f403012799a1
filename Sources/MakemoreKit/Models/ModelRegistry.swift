/// Every stage a checkpoint can hold, by kind.
public enum ModelRegistry {
    /// The model types, one per stage.
    public static let types: [any CheckpointableModel.Type] = [
        CountBigram.self, NeuralBigram.self, MLP.self, WaveNet.self, MakemoreMLP.self, RNN.self, GRU.self, BagOfWords.self, Transformer.self,
    ]

    /// The model stored in `checkpoint`, rebuilt and loaded; `source` names the file in errors.
    public static func restore(_ checkpoint: Checkpoint, source: String) throws -> any LanguageModel {
        guard let type = types.first(where: { $0.kind == checkpoint.kind }) else {
            throw MakemoreError("\(source): unknown model kind '\(checkpoint.kind)' (known: \(types.map { $0.kind }.joined(separator: ", ")))")
        }
        return try checkpoint.restore(type, source: source)
    }
}
