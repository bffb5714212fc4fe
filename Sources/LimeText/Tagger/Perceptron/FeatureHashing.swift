import LimeCompute
/// Fast 64-bit hashing of token bytes and feature templates (no strings in the hot path).
enum FeatureHashing {
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// SplitMix64 finalizer: a cheap, well-mixing bijection.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The key of template `template` applied to one value hash. Never 0 (0 marks an
    /// empty slot in `SparseWeights`).
    @inline(__always)
    static func key(_ template: UInt64, _ a: UInt64) -> UInt64 {
        mix(a ^ (template &* 0xff51_afd7_ed55_8ccd)) | 1
    }

    /// The key of template `template` applied to three value hashes.
    @inline(__always)
    static func key(_ template: UInt64, _ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        mix(mix(mix(a ^ (template &* 0xff51_afd7_ed55_8ccd)) ^ b) ^ c) | 1
    }

    /// The key of template `template` applied to two value hashes.
    @inline(__always)
    static func key(_ template: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
        mix(mix(a ^ (template &* 0xff51_afd7_ed55_8ccd)) ^ b) | 1
    }

    /// FNV-1a over `count` bytes at `bytes`.
    @inline(__always)
    static func fnv(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h = fnvOffset
        for i in 0..<count { h = (h ^ UInt64(bytes[i])) &* fnvPrime }
        return h
    }
}
