import Foundation

/// In-place parameter updates over flat buffers, one function per update rule, exactly the
/// textbook (and PyTorch) formulas. `w`: parameters, `g`: their gradient, state buffers are
/// owned by the optimizer and start at zero; all of length `n`.
package enum OptimizerKernels {
    /// SGD: `w -= lr·(g + λ·w)`.
    package static func sgd(_ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, n: Int, lr: Float, weightDecay: Float) {
        for i in 0..<n { w[i] -= lr * (g[i] + weightDecay * w[i]) }
    }

    /// SGD with momentum (PyTorch form): `b = μ·b + (g + λ·w)`, `w -= lr·b`.
    package static func momentum(
        _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ b: UnsafeMutablePointer<Float>, n: Int,
        lr: Float, momentum mu: Float, weightDecay: Float
    ) {
        for i in 0..<n {
            b[i] = mu * b[i] + g[i] + weightDecay * w[i]
            w[i] -= lr * b[i]
        }
    }

    /// AdaGrad: `s += g²`, `w -= lr·g/(√s + ε)`.
    package static func adagrad(
        _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ s: UnsafeMutablePointer<Float>, n: Int,
        lr: Float, eps: Float, weightDecay: Float
    ) {
        for i in 0..<n {
            let gi = g[i] + weightDecay * w[i]
            s[i] += gi * gi
            w[i] -= lr * gi / (s[i].squareRoot() + eps)
        }
    }

    /// RMSprop: `s = α·s + (1 − α)·g²`, `w -= lr·g/(√s + ε)`.
    package static func rmsprop(
        _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ s: UnsafeMutablePointer<Float>, n: Int,
        lr: Float, alpha: Float, eps: Float, weightDecay: Float
    ) {
        for i in 0..<n {
            let gi = g[i] + weightDecay * w[i]
            s[i] = alpha * s[i] + (1 - alpha) * gi * gi
            w[i] -= lr * gi / (s[i].squareRoot() + eps)
        }
    }

    /// Adam (step `t` ≥ 1, bias-corrected): `m = β₁m + (1−β₁)g`, `v = β₂v + (1−β₂)g²`,
    /// `w -= lr·m̂/(√v̂ + ε)` with `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`. With `decoupled` this is
    /// AdamW: `w -= lr·(m̂/(√v̂ + ε) + λ·w)`; otherwise λ is an L2 term added to `g` (Adam).
    package static func adam(
        _ w: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
        _ v: UnsafeMutablePointer<Float>, n: Int, step t: Int, lr: Float, beta1: Float, beta2: Float,
        eps: Float, weightDecay: Float, decoupled: Bool
    ) {
        let correction1 = 1 - pow(Double(beta1), Double(t))
        let correction2 = 1 - pow(Double(beta2), Double(t))
        let mScale = Float(1 / correction1), vScale = Float(1 / correction2)
        let l2: Float = decoupled ? 0 : weightDecay
        let decay: Float = decoupled ? weightDecay : 0
        // 16 lanes at a time (the scalar loop does not vectorise), then the scalar tail; both
        // evaluate the same expression in the same order (the lanes' square root is within
        // 2 ulp of the tail's).
        var i = 0
        while i &+ 16 <= n {
            let wi = load(w, i), gi = load(g, i) + l2 * wi
            let mi = beta1 * load(m, i) + (1 - beta1) * gi
            let vi = beta2 * load(v, i) + (1 - beta2) * gi * gi
            let mHat = mi * mScale, vHat = vi * vScale
            store(mi, m, i)
            store(vi, v, i)
            store(wi - lr * (mHat / (VectorMath.squareRoot(vHat) + eps) + decay * wi), w, i)
            i &+= 16
        }
        while i < n {
            let gi = g[i] + l2 * w[i]
            m[i] = beta1 * m[i] + (1 - beta1) * gi
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
            let mHat = m[i] * mScale, vHat = v[i] * vScale
            w[i] -= lr * (mHat / (vHat.squareRoot() + eps) + decay * w[i])
            i &+= 1
        }
    }
}
