import LimeCompute
/// All parameters in one flat Float buffer (and a matching gradient buffer) with named views.
///
/// Tensors are laid out in a fixed order, each starting on a 64-byte boundary; padding is
/// zero and stays zero. One buffer makes AdamW, clipping and checkpoints single loops.
public final class ParameterStore {
    /// A named view: `count` floats at `offset`, logical `shape`, weight decay on or off.
    public struct Tensor: Sendable, Equatable {
        public let name: String
        public let offset: Int
        public let shape: [Int]
        public let decay: Bool
        public var count: Int { shape.reduce(1, *) }
    }

    public let tensors: [Tensor]
    /// Total floats including alignment padding.
    public let count: Int
    public let values: UnsafeMutablePointer<Float>
    public let grads: UnsafeMutablePointer<Float>
    private let index: [String: Int]

    /// Lays out `(name, shape, decay)` in order.
    public init(layout: [(String, [Int], Bool)]) {
        var tensors: [Tensor] = []
        var offset = 0
        for (name, shape, decay) in layout {
            tensors.append(Tensor(name: name, offset: offset, shape: shape, decay: decay))
            offset += (shape.reduce(1, *) + 15) / 16 * 16
        }
        self.tensors = tensors
        count = offset
        values = FloatBuffer.allocate(offset)
        grads = FloatBuffer.allocate(offset)
        var index: [String: Int] = [:]
        for (i, t) in tensors.enumerated() { index[t.name] = i }
        self.index = index
    }

    deinit {
        values.deallocate()
        grads.deallocate()
    }

    /// Number of real parameters (without padding).
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.count } }

    /// The view named `name` (a programming error if absent).
    public func tensor(_ name: String) -> Tensor {
        guard let i = index[name] else { preconditionFailure("no parameter named \(name)") }
        return tensors[i]
    }

    public func value(_ name: String) -> UnsafeMutablePointer<Float> { values + tensor(name).offset }
    public func grad(_ name: String) -> UnsafeMutablePointer<Float> { grads + tensor(name).offset }
}
