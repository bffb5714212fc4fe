import Foundation
import GRDB
import LimeSupport

/// `lime merge`: combines the outputs of partitioned runs (`lime run --partition I/N`)
/// into one dataset with exactly the shards, manifest and provenance of a single run.
public enum DatasetMerge {
    public struct Summary: Sendable {
        public var partitions = 0
        public var shards = 0
        public var documents = 0
        public var tokens = 0
    }

    public static func merge(_ directories: [String], into output: String) throws -> Summary {
        guard !directories.isEmpty else { throw PipelineError("nothing to merge") }
        let manifests = try directories.map { try Manifest.read(from: $0) }
        let first = manifests[0]
        var seen = Set<Int>()
        var count: Int?
        for (directory, manifest) in zip(directories, manifests) {
            guard manifest.tokenizer == first.tokenizer, manifest.tagsetsSHA256 == first.tagsetsSHA256,
                  manifest.annotator == first.annotator else {
                throw PipelineError(path: directory, "tokenizer, tag sets or annotator differ from \(directories[0])")
            }
            guard let text = manifest.partition else {
                throw PipelineError(path: directory, "not a partition output (run it with --partition I/N)")
            }
            let partition = try Partition(parsing: text)
            if let count, count != partition.count {
                throw PipelineError(path: directory, "partition \(text) is from a split into \(partition.count), others into \(count)")
            }
            count = partition.count
            guard seen.insert(partition.index).inserted else { throw PipelineError(path: directory, "partition \(text) given twice") }
        }
        if let count, seen.count != count {
            let missing = (0..<count).filter { !seen.contains($0) }.map { "\($0)/\(count)" }
            throw PipelineError("missing partitions: \(missing.joined(separator: ", "))")
        }

        let shardDirectory = (output as NSString).appendingPathComponent(Manifest.shardDirectory)
        try Directory.create(shardDirectory)
        let lock = try RunLock(directory: output)
        defer { withExtendedLifetime(lock) {} }
        let databasePath = (output as NSString).appendingPathComponent("provenance.sqlite")
        guard !FileManager.default.fileExists(atPath: (output as NSString).appendingPathComponent(Manifest.fileName)),
              !FileManager.default.fileExists(atPath: databasePath) else {
            throw PipelineError("\(output) already holds a dataset; merge into a new directory")
        }

        var shards: [(Manifest.Shard, String)] = []
        for (directory, manifest) in zip(directories, manifests) {
            for shard in manifest.shards { shards.append((shard, directory)) }
        }
        shards.sort { $0.0.file < $1.0.file }
        for (a, b) in zip(shards, shards.dropFirst()) where a.0.file == b.0.file {
            throw PipelineError("shard \(a.0.file) is in both \(a.1) and \(b.1)")
        }
        for (shard, directory) in shards {
            try copyChecked(Manifest.shardPath(shard.file, in: directory), to: Manifest.shardPath(shard.file, in: output),
                            bytes: shard.bytes, sha256: shard.sha256, missing: "missing",
                            mismatch: "does not match its manifest (run `lime verify \(directory)`)")
        }

        try copyAnnotations(from: directories, into: output)

        let temporary = databasePath + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        let queue = try DatabaseQueue(path: temporary)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: ProvenanceSchema.sql)
            for (index, directory) in directories.enumerated() {
                let path = (directory as NSString).appendingPathComponent("provenance.sqlite")
                try db.execute(sql: "ATTACH DATABASE ? AS p", arguments: [path])
                try db.inTransaction {
                    if index == 0 {
                        try db.execute(sql: "INSERT INTO config SELECT key, CASE key WHEN 'partition' THEN '' ELSE value END FROM p.config")
                        try db.execute(sql: "INSERT INTO components SELECT * FROM p.components")
                    }
                    try db.execute(sql: "INSERT INTO runs(started_at, finished_at, command, partition, workers, status, documents, quarantined) SELECT started_at, finished_at, command, partition, workers, status, documents, quarantined FROM p.runs ORDER BY id")
                    try db.execute(sql: "INSERT OR IGNORE INTO inputs SELECT * FROM p.inputs")
                    try db.execute(sql: "INSERT INTO units SELECT * FROM p.units WHERE status = 'committed'")
                    try db.execute(sql: "INSERT OR REPLACE INTO unit_stages SELECT s.* FROM p.unit_stages s JOIN p.units u ON u.input_id = s.input_id AND u.ordinal = s.ordinal AND u.status = 'committed'")
                    try db.execute(sql: "INSERT INTO documents SELECT * FROM p.documents")
                    try db.execute(sql: "INSERT OR IGNORE INTO quarantine SELECT * FROM p.quarantine")
                    try db.execute(sql: "INSERT INTO shards SELECT * FROM p.shards")
                    try db.execute(sql: "INSERT OR IGNORE INTO stage_outputs SELECT * FROM p.stage_outputs")
                    return .commit
                }
                try db.execute(sql: "DETACH DATABASE p")
            }
        }
        try queue.close()
        guard rename(temporary, databasePath) == 0 else {
            throw PipelineError(path: databasePath, "rename failed: \(String(cString: strerror(errno)))")
        }
        AtomicFile.syncDirectory(of: databasePath)

        let store = try ProvenanceStore(path: databasePath)
        let records = try store.shards()
        var manifest = first
        manifest.partition = nil
        manifest.shards = records.map { .init(file: $0.file, documents: $0.documents, tokens: $0.tokens, bytes: $0.bytes, sha256: $0.sha256) }
        manifest.documents = records.reduce(0) { $0 + $1.documents }
        manifest.tokens = records.reduce(0) { $0 + $1.tokens }
        manifest.quarantined = try store.status().quarantined
        try manifest.write(to: output)
        return Summary(partitions: directories.count, shards: records.count, documents: manifest.documents, tokens: manifest.tokens)
    }

    /// The kept annotation files of every partition (units are disjoint, so are their
    /// files), checked against each partition's provenance: a merged dataset re-tokenizes
    /// without annotating again, as a single run's does.
    static func copyAnnotations(from directories: [String], into output: String) throws {
        for directory in directories {
            // Opening the store also gives a version-1 database its (empty) stage_outputs table.
            let store = try ProvenanceStore(path: (directory as NSString).appendingPathComponent("provenance.sqlite"))
            for row in try store.stageOutputs(.annotate) where row.status == .kept {
                let target = (output as NSString).appendingPathComponent(row.file)
                try Directory.create((target as NSString).deletingLastPathComponent)
                try copyChecked((directory as NSString).appendingPathComponent(row.file), to: target,
                                bytes: row.bytes, sha256: row.sha256,
                                missing: "missing, though its provenance keeps it (run `lime verify \(directory)`)",
                                mismatch: "does not match its provenance (run `lime verify \(directory)`)")
            }
        }
    }

    /// Copies `source` to `target` atomically after checking its size and SHA-256 against
    /// the record that lists it; the errors name `source`.
    private static func copyChecked(_ source: String, to target: String, bytes: Int, sha256: String,
                                    missing: String, mismatch: String) throws {
        guard let data = FileManager.default.contents(atPath: source) else { throw PipelineError(path: source, missing) }
        guard data.count == bytes, Hashing.hex(Hashing.sha256(data)) == sha256 else { throw PipelineError(path: source, mismatch) }
        try AtomicFile.write(data, to: target)
    }
}
