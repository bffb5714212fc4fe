import Foundation
import GRDB

/// A stage output's provenance row (`stage_outputs`): what it was made from, by which
/// component, where it is and its hash.
public struct StageOutputRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Written by this directory's runs and still on disk.
        case kept
        /// Written, then removed after packing (`stages.keep_annotations: false`).
        case dropped
        /// In a shard set's database: loaded from the dataset's annotations.
        case reused
        /// In a shard set's database: annotated by the shard set's run (none were kept).
        case made
    }

    public var stage: UnitStage
    public var key: UnitKey
    /// SHA-256 (hex) of the component's fingerprint.
    public var component: String
    public var inputSHA256: String
    /// Path relative to the dataset directory.
    public var file: String
    public var sha256: String
    public var bytes: Int
    public var documents: Int
    public var status: Status
}

extension ProvenanceStore {
    /// Records (or replaces) a stage output.
    public func recordStageOutput(_ record: StageOutputRecord) throws {
        try write { db in try Self.insertStageOutput(db, record) }
    }

    static func insertStageOutput(_ db: Database, _ record: StageOutputRecord) throws {
        try db.execute(
            sql: """
            INSERT OR REPLACE INTO stage_outputs(stage, input_id, ordinal, component, input_sha256, file, sha256,
                                                 bytes, documents, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [record.stage.rawValue, record.key.input, record.key.ordinal, record.component, record.inputSHA256,
                        record.file, record.sha256, record.bytes, record.documents, record.status.rawValue])
    }

    /// The stage outputs recorded for `stage`, optionally of one component, by unit.
    public func stageOutputs(_ stage: UnitStage, component: String? = nil) throws -> [StageOutputRecord] {
        try queue.read { db in
            var sql = "SELECT * FROM stage_outputs WHERE stage = ?"
            var arguments: StatementArguments = [stage.rawValue]
            if let component {
                sql += " AND component = ?"
                arguments += [component]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY input_id, ordinal, component", arguments: arguments).map {
                StageOutputRecord(
                    stage: UnitStage(rawValue: $0["stage"]) ?? stage, key: UnitKey(input: $0["input_id"], ordinal: $0["ordinal"]),
                    component: $0["component"], inputSHA256: $0["input_sha256"], file: $0["file"], sha256: $0["sha256"],
                    bytes: $0["bytes"], documents: $0["documents"],
                    status: StageOutputRecord.Status(rawValue: $0["status"]) ?? .kept)
            }
        }
    }

    /// The stage output of one unit by one component, if recorded.
    public func stageOutput(_ stage: UnitStage, key: UnitKey, component: String) throws -> StageOutputRecord? {
        try queue.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM stage_outputs WHERE stage = ? AND input_id = ? AND ordinal = ? AND component = ?
                """, arguments: [stage.rawValue, key.input, key.ordinal, component]).map {
                StageOutputRecord(
                    stage: stage, key: key, component: $0["component"], inputSHA256: $0["input_sha256"], file: $0["file"],
                    sha256: $0["sha256"], bytes: $0["bytes"], documents: $0["documents"],
                    status: StageOutputRecord.Status(rawValue: $0["status"]) ?? .kept)
            }
        }
    }

    /// The item count a unit's stage recorded last (documents the annotator saw, for
    /// `annotate`), if the stage ran.
    public func stageItems(_ key: UnitKey, _ stage: UnitStage) throws -> Int? {
        try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT items FROM unit_stages WHERE input_id = ? AND ordinal = ? AND stage = ?",
                             arguments: [key.input, key.ordinal, stage.rawValue])
        }
    }
}
