import Foundation
import GRDB

/// Identifies a work unit: an input file and the unit's ordinal within it.
public struct UnitKey: Hashable, Sendable, Comparable {
    public var input: Int
    public var ordinal: Int
    public init(input: Int, ordinal: Int) {
        self.input = input
        self.ordinal = ordinal
    }
    public static func < (a: UnitKey, b: UnitKey) -> Bool { (a.input, a.ordinal) < (b.input, b.ordinal) }
}

/// A document's provenance row.
public struct DocumentRecord: Sendable, Equatable {
    public var docID: String
    public var line: Int
    public var byteOffset: Int64
    public var sha256: String
    public var position: Int
    public var tokens: Int
    public var lossless: Bool
}

/// A shard's provenance row.
public struct ShardRecord: Sendable, Equatable, Codable {
    public var file: String
    public var input: Int
    public var ordinal: Int
    public var documents: Int
    public var tokens: Int
    public var bytes: Int
    public var sha256: String
}

/// Time and volume of one stage of one unit.
public struct StageTiming: Sendable {
    public var stage: UnitStage
    public var items: Int
    public var seconds: Double
}

/// Everything a finished unit commits, in one transaction.
public struct UnitCommit: Sendable {
    public var key: UnitKey
    public var firstLine: Int
    public var lineCount: Int
    public var byteOffset: Int64
    public var byteLength: Int64
    public var shard: ShardRecord?
    public var documents: [DocumentRecord]
    public var quarantined: [QuarantinedRecord]
    public var stages: [StageTiming]
    /// The annotate stage's output the unit was packed from, to record with the unit
    /// (in a shard set's database), and whether it was reused rather than made.
    public var annotation: StageOutputRecord? = nil
    public var annotationReused = false
}

/// The provenance database of an output directory (`provenance.sqlite`, schema in
/// `Schemas/provenance.sql`). WAL mode, so `lime status` can read during a run.
public final class ProvenanceStore: @unchecked Sendable {
    public let path: String
    let queue: DatabaseQueue

    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(10)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw PipelineError(path: path, "cannot open the provenance database: \(error.message ?? "\(error)")")
        }
        try write { db in try db.execute(sql: ProvenanceSchema.sql) }
    }

    // MARK: configuration and components

    public func config() throws -> [String: String] {
        try queue.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM config") {
                result[row["key"]] = row["value"]
            }
            return result
        }
    }

    public func setConfig(_ values: [String: String]) throws {
        try write { db in
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT OR REPLACE INTO config(key, value) VALUES (?, ?)", arguments: [key, value])
            }
        }
    }

    public func setComponent(name: String, version: String?, path: String?, sha256: String?) throws {
        try write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO components(name, version, path, sha256) VALUES (?, ?, ?, ?)",
                arguments: [name, version, path, sha256])
        }
    }

    public func components() throws -> [(name: String, version: String?, path: String?, sha256: String?)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM components ORDER BY name").map {
                ($0["name"], $0["version"], $0["path"], $0["sha256"])
            }
        }
    }

    // MARK: runs

    public func beginRun(command: String, partition: String?, workers: Int) throws -> Int64 {
        try write { db in
            try db.execute(
                sql: "INSERT INTO runs(started_at, command, partition, workers, status) VALUES (?, ?, ?, ?, 'running')",
                arguments: [Self.now(), command, partition, workers])
            return db.lastInsertedRowID
        }
    }

    public func finishRun(_ id: Int64, status: String, documents: Int, quarantined: Int) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE runs SET finished_at = ?, status = ?, documents = ?, quarantined = ? WHERE id = ?",
                arguments: [Self.now(), status, documents, quarantined, id])
        }
    }

    // MARK: inputs

    /// Registers the run's inputs; returns the paths already registered whose size changed.
    public func registerInputs(_ inputs: [InputFile]) throws -> [String] {
        try write { db in
            var changed: [String] = []
            for input in inputs {
                if let row = try Row.fetchOne(db, sql: "SELECT size FROM inputs WHERE id = ?", arguments: [input.index]) {
                    let size: Int64 = row["size"]
                    if size != input.size { changed.append(input.path) }
                    continue
                }
                try db.execute(
                    sql: "INSERT INTO inputs(id, path, format, zstd, size, status) VALUES (?, ?, ?, ?, ?, 'pending')",
                    arguments: [input.index, input.path, input.format.rawValue, input.zstd, input.size])
            }
            return changed
        }
    }

    /// Records a file's hash once it has been read whole; returns the hash recorded by an
    /// earlier run if it differs.
    public func recordInputRead(index: Int, sha256: String) throws -> String? {
        try write { db in
            let previous = try String.fetchOne(db, sql: "SELECT sha256 FROM inputs WHERE id = ?", arguments: [index])
            if let previous, previous != sha256 { return previous }
            try db.execute(sql: "UPDATE inputs SET sha256 = ?, status = 'read' WHERE id = ?", arguments: [sha256, index])
            return nil
        }
    }

    public func recordInputUnreadable(_ input: InputFile, reason: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE inputs SET status = 'unreadable' WHERE id = ?", arguments: [input.index])
            try db.execute(
                sql: """
                INSERT OR REPLACE INTO quarantine(input_id, line, byte_offset, path, stage, reason, excerpt)
                VALUES (?, 0, 0, ?, 'open', ?, '')
                """,
                arguments: [input.index, input.path, reason])
        }
    }

    // MARK: units

    public func committedUnits() throws -> Set<UnitKey> {
        try queue.read { db in
            Set(try Row.fetchAll(db, sql: "SELECT input_id, ordinal FROM units WHERE status = 'committed'").map {
                UnitKey(input: $0["input_id"], ordinal: $0["ordinal"])
            })
        }
    }

    /// Records that a stage finished for a unit not yet committed (for `lime status`).
    public func recordStage(_ key: UnitKey, _ timing: StageTiming) throws {
        try write { db in try Self.insertStage(db, key, timing) }
    }

    private static func insertStage(_ db: Database, _ key: UnitKey, _ timing: StageTiming) throws {
        try db.execute(
            sql: """
            INSERT OR REPLACE INTO unit_stages(input_id, ordinal, stage, status, items, seconds)
            VALUES (?, ?, ?, 'done', ?, ?)
            """,
            arguments: [key.input, key.ordinal, timing.stage.rawValue, timing.items, timing.seconds])
    }

    /// Commits a finished unit: its shard, documents, quarantined records and stages.
    public func commit(_ unit: UnitCommit) throws {
        try write { db in
            let key = unit.key
            try db.execute(sql: "DELETE FROM documents WHERE shard = ?", arguments: [unit.shard?.file ?? ""])
            try db.execute(
                sql: """
                INSERT OR REPLACE INTO units(input_id, ordinal, first_line, line_count, byte_offset, byte_length,
                                             status, shard, documents, tokens, quarantined)
                VALUES (?, ?, ?, ?, ?, ?, 'committed', ?, ?, ?, ?)
                """,
                arguments: [key.input, key.ordinal, unit.firstLine, unit.lineCount, unit.byteOffset, unit.byteLength,
                            unit.shard?.file, unit.documents.count, unit.shard?.tokens ?? 0, unit.quarantined.count])
            for timing in unit.stages { try Self.insertStage(db, key, timing) }
            if let annotation = unit.annotation { try Self.insertStageOutput(db, annotation) }
            if let shard = unit.shard {
                try db.execute(
                    sql: """
                    INSERT OR REPLACE INTO shards(file, input_id, ordinal, documents, tokens, bytes, sha256)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    arguments: [shard.file, shard.input, shard.ordinal, shard.documents, shard.tokens, shard.bytes, shard.sha256])
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO documents(doc_id, input_id, line, byte_offset, sha256, shard, position, tokens, lossless)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for document in unit.documents {
                    try insert.execute(arguments: [
                        document.docID, key.input, document.line, document.byteOffset, document.sha256,
                        shard.file, document.position, document.tokens, document.lossless,
                    ])
                }
            }
            let quarantine = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO quarantine(input_id, line, byte_offset, path, stage, reason, excerpt)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for record in unit.quarantined {
                try quarantine.execute(arguments: [
                    key.input, record.line, record.byteOffset, record.path, record.stage, record.reason, record.excerpt,
                ])
            }
        }
    }

    /// A write transaction whose failure (a full disk, a file-size limit, a read-only
    /// directory) is reported naming the database file.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(updates)
        } catch let error as DatabaseError {
            throw PipelineError(path: path, "cannot write the provenance database: \(error.message ?? "\(error)") (SQLite code \(error.resultCode.rawValue); disk full or a file-size limit?)")
        }
    }

    // MARK: reading back

    public func shards() throws -> [ShardRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM shards ORDER BY input_id, ordinal").map {
                ShardRecord(file: $0["file"], input: $0["input_id"], ordinal: $0["ordinal"], documents: $0["documents"],
                            tokens: $0["tokens"], bytes: $0["bytes"], sha256: $0["sha256"])
            }
        }
    }

    /// Where each document of `shard` came from: position in the shard -> (input path, line).
    public func documentOrigins(shard: String) throws -> [Int: (input: String, line: Int)] {
        try queue.read { db in
            var origins: [Int: (input: String, line: Int)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT d.position, d.line, i.path FROM documents d JOIN inputs i ON i.id = d.input_id WHERE d.shard = ?
                """, arguments: [shard]) {
                origins[row["position"]] = (row["path"], row["line"])
            }
            return origins
        }
    }

    public func quarantined() throws -> [QuarantinedRecord] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM quarantine ORDER BY input_id, line, stage").map {
                QuarantinedRecord(path: $0["path"], line: $0["line"], byteOffset: $0["byte_offset"], stage: $0["stage"],
                                  reason: $0["reason"], excerpt: $0["excerpt"])
            }
        }
    }

    /// Counts for `lime status`.
    public func status() throws -> ProvenanceStatus {
        try queue.read { db in
            var status = ProvenanceStatus()
            status.inputs = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inputs") ?? 0
            status.inputsRead = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inputs WHERE status = 'read'") ?? 0
            status.inputBytes = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(size), 0) FROM inputs") ?? 0
            status.unitsCommitted = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM units WHERE status = 'committed'") ?? 0
            status.documents = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(documents), 0) FROM units") ?? 0
            status.tokens = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(tokens), 0) FROM units") ?? 0
            status.quarantined = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM quarantine") ?? 0
            status.committedBytes = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(byte_length), 0) FROM units WHERE status = 'committed'") ?? 0
            for row in try Row.fetchAll(db, sql: """
                SELECT stage, COUNT(*) AS units, SUM(items) AS items, SUM(seconds) AS seconds
                FROM unit_stages GROUP BY stage
                """) {
                status.stages.append(.init(stage: row["stage"], units: row["units"], items: row["items"], seconds: row["seconds"]))
            }
            status.lastRun = try Row.fetchOne(db, sql: "SELECT status, command FROM runs ORDER BY id DESC LIMIT 1")
                .map { "\($0["status"] as String): \($0["command"] as String)" }
            return status
        }
    }

    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}

/// Summary counts of a provenance database.
public struct ProvenanceStatus: Sendable {
    public struct Stage: Sendable {
        public var stage: String
        public var units: Int
        public var items: Int
        public var seconds: Double
    }
    public var inputs = 0
    public var inputsRead = 0
    public var inputBytes: Int64 = 0
    public var committedBytes: Int64 = 0
    public var unitsCommitted = 0
    public var documents = 0
    public var tokens = 0
    public var quarantined = 0
    public var stages: [Stage] = []
    public var lastRun: String?
}
