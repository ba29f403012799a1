import Foundation

/// How a transformer tells positions apart: a learned table (makemore.py's `wpe`) or the fixed
/// sin/cos table of "Attention Is All You Need", which has no parameters and no state-dict entry.
package enum PositionEncoding {
    /// A trained (blockSize, C) table.
    case learned(Embedding)
    /// A constant (blockSize, C) table, `PositionEncoding.sinusoidalTable`; no gradient flows into it.
    case sinusoidal(Tensor)

    /// positions with shape `shape` → (shape…, C): each position's row of the table
    package func callAsFunction(_ positions: [Int32], shape: [Int]) -> Tensor {
        switch self {
        case .learned(let table): table(positions, shape: shape)
        case .sinusoidal(let table): embedding(table, indices: positions, shape: shape)
        }
    }

    /// The sinusoidal table (positions, channels) with d = `channels`:
    /// PE(pos, 2i) = sin(pos / 10000^(2i/d)) and PE(pos, 2i+1) = cos(pos / 10000^(2i/d)). Each
    /// sin/cos pair shares one frequency, falling geometrically from 1 to about 1/10000 over the
    /// channels; with an odd d the last channel is the sin of a pair without its cos.
    /// Computed in Double, stored as Float.
    package static func sinusoidalTable(positions: Int, channels d: Int) -> Tensor {
        .computed(shape: [positions, d]) {
            var values = [Float](repeating: 0, count: positions * d)
            for position in 0..<positions {
                for channel in 0..<d {
                    let pair = channel / 2
                    let angle = Double(position) / pow(10_000, Double(2 * pair) / Double(d))
                    values[position * d + channel] = Float(channel % 2 == 0 ? sin(angle) : cos(angle))
                }
            }
            return values
        }
    }
}
