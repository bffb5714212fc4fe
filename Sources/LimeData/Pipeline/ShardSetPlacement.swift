import Foundation
import LimeSupport

/// Where a run's shards go. A dataset directory's first run fixes its documents (inputs,
/// fields, work units) and writes its own shard set (`shards/`, `manifest.json`). A later
/// run with another tokenizer, tokenization mode, zstd level or annotator writes a further
/// shard set of the same documents under `shard-sets/NAME/`, a dataset directory of its
/// own (manifest, shards, provenance) that `lime train`, `verify`, `export` and the Python
/// reader read as any other. NAME is derived from the settings that differ, so rerunning
/// the same command resumes the same shard set.
public enum ShardSetPlacement: Equatable, Sendable {
    case primary
    case shardSet(name: String)

    /// The folder of the shard sets of a dataset directory.
    public static let folder = "shard-sets"

    /// Decides from the run's identity and the one the directory recorded (empty if new).
    public static func resolve(identity: [String: String], existing: [String: String], directory: String) throws -> Self {
        guard !existing.isEmpty else { return .primary }
        let differing = identity.keys.sorted().filter { existing[$0] != identity[$0] }
        if differing.isEmpty { return .primary }
        let fixed = differing.filter { !PipelineConfig.shardSetKeys.contains($0) }
        guard fixed.isEmpty else {
            throw PipelineError("\(directory) was produced from different documents or work units (\(fixed.joined(separator: ", ")) differ); use a new output directory or the original settings (a different tokenizer or annotator is fine: it makes a shard set under \(folder)/)")
        }
        return .shardSet(name: name(identity))
    }

    /// `<tokenizer-sha8>-<mode>-<sha8 of the other shard-set settings>`.
    static func name(_ identity: [String: String]) -> String {
        let rest = PipelineConfig.shardSetKeys.sorted().filter { $0 != "tokenizer_sha256" && $0 != "tokenizer_mode" }
            .map { "\($0)=\(identity[$0] ?? "")" }.joined(separator: "\n")
        let restHash = Hashing.hex(Hashing.sha256(Array(rest.utf8))).prefix(8)
        return "\((identity["tokenizer_sha256"] ?? "").prefix(8))-\(identity["tokenizer_mode"] ?? "")-\(restHash)"
    }

    /// The directory the run writes its manifest, shards and provenance to.
    public func outputDirectory(in directory: String) -> String {
        switch self {
        case .primary: return directory
        case .shardSet(let name):
            return ((directory as NSString).appendingPathComponent(Self.folder) as NSString).appendingPathComponent(name)
        }
    }
}
