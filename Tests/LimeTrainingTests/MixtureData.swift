import Foundation
import LimeData
@testable import LimeTraining

/// Two disjoint datasets for mixture tests: the trainer fixture's shards split in two
/// (same tokenizer and tag sets, different documents), and mixture files over them.
enum MixtureData {
    static let directories: (first: String, second: String) = {
        let manifest = try! Manifest.read(from: TestData.directory)
        let half = manifest.shards.count / 2
        func subset(_ label: String, _ shards: ArraySlice<Manifest.Shard>) -> String {
            let directory = TestData.temporaryDirectory(label)
            try? FileManager.default.removeItem(atPath: directory)
            let target = (directory as NSString).appendingPathComponent(Manifest.shardDirectory)
            try! FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for shard in shards {
                try! FileManager.default.copyItem(atPath: Manifest.shardPath(shard.file, in: TestData.directory),
                                                  toPath: Manifest.shardPath(shard.file, in: directory))
            }
            var m = manifest
            m.shards = Array(shards)
            m.documents = shards.reduce(0) { $0 + $1.documents }
            m.tokens = shards.reduce(0) { $0 + $1.tokens }
            try! m.write(to: directory)
            return directory
        }
        return (subset("lime-mix-a", manifest.shards[..<half]), subset("lime-mix-b", manifest.shards[half...]))
    }()

    /// Writes a mixture file with `body` (YAML) and returns its path.
    static func file(_ label: String, _ body: String) -> String {
        let path = TestData.temporaryDirectory(label) + ".yaml"
        try! body.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A mixture of the two halves with weights `a` and `b`.
    static func weighted(_ label: String, _ a: String, _ b: String) -> String {
        file(label, "sources:\n  - data: \(directories.first)\n    weight: \(a)\n  - data: \(directories.second)\n    weight: \(b)\n")
    }
}
