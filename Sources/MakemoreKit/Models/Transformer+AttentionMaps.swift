extension Transformer {
    /// Which earlier characters each position of `word` (tokens, no boundaries) attends to:
    /// `maps[layer][head][query][key]` over the T = count + 1 input positions (the start
    /// boundary, then the word), each row a distribution over keys 0...query and exactly 0 over
    /// later ones. Runs the evaluation-mode forward pass and takes every block's attention
    /// probabilities from the q and k of that pass (the fused attention does not keep them).
    package func attentionMaps(for word: [Int32]) -> [[[[Float]]]] {
        let batch = PackedSequences(words: [word])
        precondition(batch.longest <= configuration.blockSize, "a word of \(word.count) exceeds block size \(configuration.blockSize)")
        let t = batch.rows, blocks = blocks
        var maps: [[[[Float]]]] = []
        evaluating {
            _ = forward(batch.inputs, positions: batch.positions, .packed(sequenceStarts: batch.starts)) { layer, x in
                let block = blocks[layer]
                let probabilities = block.attention.probabilities(block.attentionNorm(x)).values  // (nh, T, T)
                maps.append((0..<block.attention.heads).map { h in
                    (0..<t).map { query in Array(probabilities[(h * t + query) * t..<(h * t + query + 1) * t]) }
                })
            }
        }
        return maps
    }
}
