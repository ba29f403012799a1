/// The character embedding table of a model, found by its state-dict name: `embedding.weight`
/// (MLP, WaveNet), `wte.weight` (makemore.py's MLP, BoW, RNN, GRU) or `transformer.wte.weight`.
package struct CharacterEmbedding: Sendable {
    /// The state-dict names a token embedding goes by, in the order they are looked for.
    package static let names = ["embedding.weight", "wte.weight", "transformer.wte.weight"]

    /// (vocabularySize, dimensions), row-major: row t is token t's vector.
    package let table: [Float]
    package let dimensions: Int

    /// The embedding among `tensors` (name, shape, values), if one has a known name and
    /// `vocabularySize` rows, or one more (makemore.py's MLP keeps its `<BLANK>` token last,
    /// which is no character and is left out).
    package init?(tensors: [(name: String, shape: [Int], values: [Float])], vocabularySize: Int) {
        for name in Self.names {
            if let tensor = tensors.first(where: { $0.name == name }), tensor.shape.count == 2,
               tensor.shape[0] == vocabularySize || tensor.shape[0] == vocabularySize + 1 {
                table = Array(tensor.values.prefix(vocabularySize * tensor.shape[1]))
                dimensions = tensor.shape[1]
                return
            }
        }
        return nil
    }

    /// The embedding of a model of any stage — trained, restored from a checkpoint or imported
    /// from a state dict — if it has one.
    package init?(model: any LanguageModel) {
        guard let model = model as? any CheckpointableModel else { return nil }
        self.init(tensors: model.stateTensors().map { ($0.name, $0.shape, $0.values) }, vocabularySize: model.vocabularySize)
    }
}
