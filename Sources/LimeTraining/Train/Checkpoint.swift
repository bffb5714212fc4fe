import Foundation
import LimeSupport
import LimeTransformer

/// A checkpoint file: everything needed to continue a run bit for bit.
///
/// Layout (little-endian): magic `LIMECKPT`, version u32, JSON length u32, the JSON
/// `State` (run spec, step, tokens, optimizer step, data cursor, pending loss sums), the
/// float count u64, then weights, AdamW first and second moments (f32 each), and a
/// SHA-256 over all preceding bytes. The bytes depend only on the run (spec, seed, data,
/// thread count), never on the clock. Training draws no random numbers after
/// initialization (shuffling is a pure function of seed, epoch and shard), so the data
/// cursor is the whole random state.
///
/// Versions: 1, a model without a metadata head trained on one directory in the default
/// shard order; 2, the same layout for what a version-1 reader would misread: a metadata
/// head (its tensors follow the others in the float payload), a mixture cursor or
/// `shuffle: global`. A checkpoint is written with the oldest version that can hold it,
/// so plain runs keep their bytes and an older lime refuses what it cannot load instead
/// of misreading it; versions newer than `version` are refused by number.
public enum Checkpoint {
    public static let magic = Array("LIMECKPT".utf8)
    /// The newest version this build reads and writes.
    public static let version: UInt32 = 2
    public static let supportedVersions: ClosedRange<UInt32> = 1...2
    public static let fileName = "checkpoint.lime"

    /// The oldest version that holds a checkpoint of `spec` (a head needs version 2).
    public static func version(for spec: RunSpec) -> UInt32 {
        spec.variant.metadataHead || (spec.config.shuffle ?? .shard) != .shard ? 2 : 1
    }

    public struct State: Codable, Equatable, Sendable {
        public var spec: RunSpec
        public var step: Int
        public var tokens: Int
        public var optimizerStep: Int
        public var cursor: DataCursor
        /// Training loss summed since the last metrics line, and its step count.
        public var lossSum: Double
        public var lossSteps: Int
        // Wall-clock time is not part of the state (it would make two identical runs'
        // checkpoints differ); `TrainingRun` keeps it in `timing.json` beside the file.
    }

    /// Writes `state` and the model/optimizer buffers atomically to `path`.
    public static func write(_ state: State, store: ParameterStore, optimizer: AdamW, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = [UInt8](try encoder.encode(state))
        var w = ByteWriter(capacity: 64 + json.count + 12 * store.count)
        w.write(bytes: magic)
        w.write(version(of: state))
        w.write(UInt32(json.count))
        w.write(bytes: json)
        w.write(UInt64(store.count))
        for buffer in [store.values, optimizer.m, optimizer.v] {
            w.write(bytes: UnsafeRawBufferPointer(start: buffer, count: store.count * 4))
        }
        var bytes = w.bytes
        bytes += Hashing.sha256(bytes)
        try AtomicFile.write(bytes, to: path)
    }

    /// The version a state is written with: 1 unless it needs version 2's reading.
    public static func version(of state: State) -> UInt32 {
        state.cursor.mixture != nil ? 2 : version(for: state.spec)
    }

    /// Reads and checks a checkpoint: its state and raw float payload (weights, m, v).
    public static func read(_ path: String) throws -> (state: State, floats: [Float]) {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainerError(path: path, "cannot read checkpoint") }
        return try read(bytes: [UInt8](data), path: path)
    }

    /// Checks and decodes checkpoint bytes; `path` names the source in errors.
    public static func read(bytes: [UInt8], path: String) throws -> (state: State, floats: [Float]) {
        func fail(_ reason: String) -> TrainerError { TrainerError(path: path, reason) }
        guard bytes.count >= 56, Array(bytes[0..<8]) == magic else { throw fail("not a lime checkpoint") }
        guard Hashing.sha256(bytes[0..<(bytes.count - 32)]) == Array(bytes[(bytes.count - 32)...]) else {
            throw fail("checksum mismatch (corrupt or truncated checkpoint)")
        }
        // Everything between the header and the trailing checksum.
        var r = ByteReader(Array(bytes[..<(bytes.count - 32)]), offset: 8)
        do {
            let version: UInt32 = try r.read()
            guard version >= 1 else { throw fail("unsupported checkpoint version \(version)") }
            guard supportedVersions.contains(version) else {
                throw fail("checkpoint version \(version) is newer than this lime reads (1 to \(Self.version)): update lime")
            }
            let jsonLength = try r.readCount(UInt32.self, limit: r.remaining, what: "state length")
            let json = try r.read(count: jsonLength)
            let state: State
            do { state = try JSONDecoder().decode(State.self, from: Data(json)) } catch {
                throw fail("invalid checkpoint state: \(error)")
            }
            guard version >= Self.version(for: state.spec) else {
                throw fail("checkpoint version \(version) cannot hold a metadata head or a global shuffle")
            }
            let count = try r.readCount(UInt64.self, limit: r.remaining / 12, what: "parameter count")
            guard r.remaining == 12 * count else { throw fail("payload size does not match \(count) parameters") }
            let payload = try r.read(count: 12 * count)
            let floats = payload.withUnsafeBytes { raw in
                (0..<(3 * count)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
            }
            return (state, floats)
        } catch let error as TrainerError {
            throw error
        } catch {
            throw fail("corrupt checkpoint: \(error)")
        }
    }

    /// Copies a checkpoint's payload into a model (and optionally its optimizer).
    public static func load(_ floats: [Float], into store: ParameterStore, optimizer: AdamW?) throws {
        guard floats.count == 3 * store.count else {
            throw TrainerError("checkpoint holds \(floats.count / 3) parameters, the model \(store.count)")
        }
        floats.withUnsafeBufferPointer { f in
            store.values.update(from: f.baseAddress!, count: store.count)
            if let optimizer {
                optimizer.m.update(from: f.baseAddress! + store.count, count: store.count)
                optimizer.v.update(from: f.baseAddress! + 2 * store.count, count: store.count)
            }
        }
    }
}
