import Foundation
import LimeSupport
import Testing
@testable import LimeTraining

/// Checkpoints with a valid SHA-256 whose lengths say impossible things (found by reading
/// the reader against the fuzz target `fuzz-checkpoint`): refused with an error naming the
/// file, never a trap on a range or an overflowing size.
@Suite struct CheckpointHostileBytesTests {
    /// A checkpoint file: magic, version, the state JSON with a stated length, a stated
    /// parameter count, `payload` floats' bytes, and the checksum over all of it.
    static func file(json: [UInt8], jsonLength: UInt32? = nil, count: UInt64, payload: Int) -> [UInt8] {
        var w = ByteWriter()
        w.write(bytes: Checkpoint.magic)
        w.write(Checkpoint.version)
        w.write(jsonLength ?? UInt32(json.count))
        w.write(bytes: json)
        w.write(count)
        w.write(bytes: [UInt8](repeating: 0, count: payload))
        return w.bytes + Hashing.sha256(w.bytes)
    }

    static func state() throws -> [UInt8] {
        let state = Checkpoint.State(spec: try ResumeTests.spec(.lime, steps: 2), step: 1, tokens: 32, optimizerStep: 1,
                                     cursor: DataCursor(), lossSum: 1.5, lossSteps: 1)
        return [UInt8](try JSONEncoder().encode(state))
    }

    func expectRefused(_ bytes: [UInt8], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: TrainerError.self, Comment(rawValue: what), sourceLocation: sourceLocation) {
            _ = try Checkpoint.read(bytes: bytes, path: "hostile/checkpoint.lime")
        }
        #expect(error?.description.hasPrefix("hostile/checkpoint.lime: ") == true, sourceLocation: sourceLocation)
    }

    @Test func aStateLengthPastTheEndIsRefused() {
        expectRefused(Self.file(json: Array("{}".utf8), jsonLength: 0xFFFF_FFF0, count: 0, payload: 0), "state length 2^32-16")
        expectRefused(Self.file(json: Array("{}".utf8), jsonLength: 40, count: 0, payload: 0), "state length past the payload")
    }

    @Test func parameterCountsThatOverflowOrExceedThePayloadAreRefused() throws {
        let json = try Self.state()
        let good = Self.file(json: json, count: 2, payload: 24)
        let (state, floats) = try Checkpoint.read(bytes: good, path: "good")
        #expect(floats.count == 6 && state.step == 1)
        expectRefused(Self.file(json: json, count: 1 << 62, payload: 24), "12 * 2^62 overflows")
        expectRefused(Self.file(json: json, count: .max, payload: 24), "count 2^64-1")
        expectRefused(Self.file(json: json, count: 3, payload: 24), "one parameter more than the payload")
        expectRefused(Self.file(json: json, count: 1, payload: 24), "one parameter less than the payload")
    }
}
