/// A seeded bijection of `0..<count` computed per element in O(1) memory: a 4-round
/// Feistel network over the smallest even number of bits covering `count`, with cycle
/// walking (values past `count` are encrypted again, on average fewer than 4 times).
/// Lets a loader shuffle billions of windows without materializing a permutation.
public struct IndexPermutation: Sendable, Equatable {
    public let count: Int
    let halfBits: Int
    let keys: [UInt64]

    public init(count: Int, seed: UInt64) {
        precondition(count >= 0, "negative permutation size")
        self.count = count
        var bits = 2
        while bits < 62 && (1 << bits) < count { bits += 2 }
        halfBits = bits / 2
        var state = seed
        keys = (0..<4).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            return Self.avalanche(state)
        }
    }

    static func avalanche(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The position `index` is sent to (distinct for distinct indices in `0..<count`).
    public subscript(index: Int) -> Int {
        precondition(index >= 0 && index < count, "index \(index) outside 0..<\(count)")
        let mask = UInt64(1) << UInt64(halfBits) - 1
        var x = UInt64(index)
        repeat {
            var left = x >> UInt64(halfBits), right = x & mask
            for key in keys {
                (left, right) = (right, left ^ (Self.avalanche(right ^ key) & mask))
            }
            x = left << UInt64(halfBits) | right
        } while x >= UInt64(count)
        return Int(x)
    }
}
