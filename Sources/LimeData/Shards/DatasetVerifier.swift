import Foundation
import LimeSupport

/// Checks a dataset directory: every shard of the manifest against its size and
/// SHA-256, every section's checksum and count, and the manifest's totals.
public enum DatasetVerifier {
    public struct Report: Sendable {
        public var shards = 0
        public var documents = 0
        public var tokens = 0
        public var problems: [String] = []
        public var ok: Bool { problems.isEmpty }
    }

    public static func verify(directory: String) throws -> Report {
        let manifest = try Manifest.read(from: directory)
        var report = Report()
        for shard in manifest.shards {
            let path = Manifest.shardPath(shard.file, in: directory)
            guard let data = FileManager.default.contents(atPath: path) else {
                report.problems.append("\(shard.file): missing or unreadable")
                continue
            }
            let bytes = [UInt8](data)
            if bytes.count != shard.bytes {
                report.problems.append("\(shard.file): \(bytes.count) bytes, manifest says \(shard.bytes) (truncated or modified)")
            }
            if Hashing.hex(Hashing.sha256(bytes)) != shard.sha256 {
                report.problems.append("\(shard.file): SHA-256 differs from the manifest")
            }
            do {
                let reader = try ShardReader(path: shard.file, bytes: bytes)
                try reader.verify()
                if reader.documentCount != shard.documents || reader.tokenCount != shard.tokens {
                    report.problems.append("\(shard.file): counts (\(reader.documentCount) documents, \(reader.tokenCount) tokens) differ from the manifest")
                }
                if Hashing.hex(reader.tokenizerSHA256) != manifest.tokenizer.sha256 {
                    report.problems.append("\(shard.file): tokenizer hash differs from the manifest")
                }
                report.documents += reader.documentCount
                report.tokens += reader.tokenCount
            } catch {
                report.problems.append("\(error)")
            }
            report.shards += 1
        }
        if report.problems.isEmpty && (report.documents != manifest.documents || report.tokens != manifest.tokens) {
            report.problems.append("manifest totals (\(manifest.documents) documents, \(manifest.tokens) tokens) differ from the shards' (\(report.documents), \(report.tokens))")
        }
        return report
    }
}
