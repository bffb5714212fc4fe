import LimeSupport

/// A contiguous range of lines of one input file: the pipeline's unit of work,
/// resume and output (one shard per unit).
public struct WorkUnit: Sendable {
    public var key: UnitKey
    public var file: InputFile
    public var records: [RawRecord]
    /// Decompressed bytes the unit's lines span (newlines included).
    public var byteLength: Int64

    public var firstLine: Int { records.first?.line ?? 0 }
    public var byteOffset: Int64 { records.first?.byteOffset ?? 0 }

    /// SHA-256 of the unit's input lines, each followed by a newline: what the unit's
    /// stage outputs were made from.
    public func inputSHA256() -> [UInt8] {
        Hashing.sha256(lines: records.map(\.bytes))
    }
}

/// Cuts an input's record stream into work units: a new unit starts after
/// `maxDocuments` records or once `maxBytes` bytes are reached. Deterministic for a
/// given input and limits, so resumed and partitioned runs see the same units.
public struct UnitPlanner: Sendable, Codable, Equatable {
    public var maxDocuments: Int
    public var maxBytes: Int

    public init(maxDocuments: Int = 4096, maxBytes: Int = 32 << 20) {
        self.maxDocuments = max(1, maxDocuments)
        self.maxBytes = max(1, maxBytes)
    }

    /// Streams units of `reader`, calling `body` for each; `body` returns false to stop.
    public func forEachUnit(of reader: RecordReader, _ body: (WorkUnit) throws -> Bool) rethrows {
        var ordinal = 0
        var records: [RawRecord] = []
        var bytes: Int64 = 0
        func flush() throws -> Bool {
            defer {
                records = []
                bytes = 0
                ordinal += 1
            }
            let unit = WorkUnit(key: UnitKey(input: reader.file.index, ordinal: ordinal), file: reader.file,
                                records: records, byteLength: bytes)
            return try body(unit)
        }
        while let record = reader.next() {
            records.append(record)
            bytes += Int64(record.bytes.count + 1)
            if records.count >= maxDocuments || bytes >= Int64(maxBytes) {
                if try !flush() { return }
            }
        }
        if !records.isEmpty { _ = try flush() }
    }
}

/// A deterministic share of the work units, for running one dataset on many machines:
/// partition `index` of `count` takes the units with `(input + ordinal) % count == index`.
public struct Partition: Sendable, Codable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw InputError("invalid partition \(index)/\(count): expected I/N with 0 <= I < N")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw InputError("invalid partition '\(text)': expected I/N, for example 0/4")
        }
        try self.init(index: index, count: count)
    }

    public func contains(_ key: UnitKey) -> Bool { (key.input + key.ordinal) % count == index }

    public var description: String { "\(index)/\(count)" }
}
