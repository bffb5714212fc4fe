import Foundation
import Testing
@testable import LimeData

/// Manifests that decode but cannot be right: a foreign format, a shard path leaving the
/// shard directory, negative or overflowing counts, totals that are not the shards' sums.
/// Each is refused with an error naming the file (the checks `fuzz-manifest` relies on).
@Suite struct ManifestHostileTests {
    static func json(format: String = "lime-shards", version: Int = 1, file: String = "shard-00000-000000.lime",
                     documents: Int = 3, tokens: Int = 40, totals: (Int, Int)? = nil) -> Data {
        let (d, t) = totals ?? (documents, tokens)
        return Data("""
        {"format": "\(format)", "version": \(version), "tokenizer": {"file": "t.model", "sha256": "ab", "vocab_size": 600, "mode": "lime"},
         "tagsets_sha256": "cd", "annotator": {"name": "native"}, "documents": \(d), "tokens": \(t), "quarantined": 0,
         "shards": [{"file": "\(file)", "documents": \(documents), "tokens": \(tokens), "bytes": 900, "sha256": "ef"}]}
        """.utf8)
    }

    func expectRefused(_ data: Data, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: PipelineError.self, Comment(rawValue: what), sourceLocation: sourceLocation) {
            _ = try Manifest.decode(data, path: "hostile/manifest.json")
        }
        #expect(error.map { "\($0)".hasPrefix("hostile/manifest.json: invalid manifest") } == true, sourceLocation: sourceLocation)
    }

    @Test func aConsistentManifestIsRead() throws {
        let manifest = try Manifest.decode(Self.json(), path: "good/manifest.json")
        #expect(manifest.documents == 3 && manifest.shards.count == 1)
    }

    @Test func shardPathsOutsideTheShardDirectoryAreRefused() {
        for file in ["../../etc/passwd", "/etc/passwd", "a/b.lime", "..", ".", ""] {
            expectRefused(Self.json(file: file), "shard file \(file)")
        }
    }

    @Test func foreignFormatsAndImpossibleCountsAreRefused() {
        expectRefused(Self.json(format: "mds"), "another format")
        expectRefused(Self.json(version: 2), "a newer version")
        expectRefused(Self.json(documents: -1, totals: (-1, 40)), "negative documents")
        expectRefused(Self.json(totals: (4, 40)), "document total not the sum")
        expectRefused(Self.json(totals: (3, 41)), "token total not the sum")
        expectRefused(Self.json(tokens: Int.max, totals: (3, Int.max)).withSecondShard(tokens: Int.max), "token sum overflows")
    }
}

private extension Data {
    /// The manifest with its one shard listed twice, the copy with `tokens` tokens.
    func withSecondShard(tokens: Int) -> Data {
        var object = try! JSONSerialization.jsonObject(with: self) as! [String: Any]
        var shards = object["shards"] as! [[String: Any]]
        var copy = shards[0]
        copy["file"] = "shard-00000-000001.lime"
        copy["tokens"] = tokens
        shards.append(copy)
        object["shards"] = shards
        return try! JSONSerialization.data(withJSONObject: object)
    }
}
