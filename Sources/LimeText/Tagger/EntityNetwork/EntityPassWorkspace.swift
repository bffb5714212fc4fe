/// The activation and gradient buffers of `EntityNetworkPass`, allocated once and grown
/// (zeroed) when a batch needs more: a training step allocates nothing.
final class EntityPassWorkspace {
    /// Buffer base addresses for one step, valid until the next `prepare`.
    struct Pointers {
        let rowStarts: UnsafeMutablePointer<Int>
        let x, tokenVectors, u, h1, h2, scores, dScores, dH2, dH1, dU, dVectors, dX: UnsafeMutablePointer<Float>
    }

    private let rowStarts = GrowingBuffer<Int>()
    private let floats = (0..<12).map { _ in GrowingBuffer<Float>() }

    /// Buffers for `paddedRows` token rows and `scored` tokens of `network`.
    func prepare(_ network: EntityNetwork, paddedRows bigN: Int, scored n: Int) -> Pointers {
        let inputs = EntityNetwork.attributes * network.embedding, t = network.tokenWidth
        let hidden = network.hidden, width = network.windowWidth, classes = EntityNetwork.classes
        let sizes = [bigN * inputs, bigN * t, bigN * width, n * hidden, n * hidden, n * classes,
                     n * classes, n * hidden, n * hidden, bigN * width, bigN * t, bigN * inputs]
        let f = zip(floats, sizes).map { $0.reserve($1) }
        return Pointers(rowStarts: rowStarts.reserve(bigN * 16), x: f[0], tokenVectors: f[1], u: f[2], h1: f[3], h2: f[4],
                        scores: f[5], dScores: f[6], dH2: f[7], dH1: f[8], dU: f[9], dVectors: f[10], dX: f[11])
    }
}

/// A zero-initialized buffer that only grows.
final class GrowingBuffer<Element: Numeric> {
    private var pointer: UnsafeMutablePointer<Element>
    private var capacity: Int

    init() {
        capacity = 1
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    deinit { pointer.deallocate() }

    /// At least `count` elements (a larger buffer is zeroed; a large enough one is kept as is).
    func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if count > capacity {
            pointer.deallocate()
            pointer = .allocate(capacity: count)
            pointer.initialize(repeating: 0, count: count)
            capacity = count
        }
        return pointer
    }
}
