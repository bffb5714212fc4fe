import LimeFuzzSupport
import LimeSupport
import LimeTraining

/// The training checkpoint reader. Each input is read as it is, then again with its
/// trailing SHA-256 recomputed, so that mutations reach the state JSON and the payload.
func fuzzCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    read(bytes)
    if bytes.count >= 32 { read(Array(bytes.dropLast(32)) + Hashing.sha256(bytes.dropLast(32))) }
    return 0
}

private func read(_ bytes: [UInt8]) {
    let name = "fuzz/checkpoint.lime"
    guard let (state, floats) = Fuzz.expectNamedError(name, { try Checkpoint.read(bytes: bytes, path: name) }) else { return }
    Fuzz.check(floats.count % 3 == 0, "\(floats.count) floats are not weights, m and v")
    Fuzz.check(12 * (floats.count / 3) + 56 <= bytes.count, "more floats than bytes")
    _ = state.spec
}

// Last, after the globals above are initialized: libFuzzer runs `fuzzCheckpoint` on every input.
Fuzz.main { fuzzCheckpoint($0, $1) }
