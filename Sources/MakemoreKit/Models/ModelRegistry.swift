/// Every stage a checkpoint can hold, by kind.
public enum ModelRegistry {
    /// The model types, one per stage.
    public static let types: [any CheckpointableModel.Type] = [
        CountBigram.self, NeuralBigram.self, MLP.self, WaveNet.self, MakemoreMLP.self, RNN.self, GRU.self, BagOfWords.self, Transformer.self,
    ]

}
