import Foundation
import LimeSupport

extension Pipeline {
    /// The settings that make a directory's output what it is (configuration, inputs,
    /// tokenizer, tag sets, annotator, partition). A new directory records them; a later
    /// run must match them, except for the keys a shard set may change
    /// (`PipelineConfig.shardSetKeys`).
    func makeIdentity(files: [InputFile], model: any SubwordTokenizer, tagsetsSHA: [UInt8],
                      fingerprint: [String: String]) -> [String: String] {
        var identity = config.identity()
        identity["inputs"] = files.map(\.path).joined(separator: "\n")
        identity["tokenizer_sha256"] = model.sha256
        identity["tagsets_sha256"] = Hashing.hex(tagsetsSHA)
        identity["annotator_fingerprint"] = fingerprint.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            .joined(separator: ";")
        identity["partition"] = partition?.description ?? ""
        return identity
    }

    /// A shard set's own database records the identity on its first run and must match it
    /// after (its name is derived from it, so a mismatch means a damaged directory).
    func checkShardSetIdentity(store: ProvenanceStore, identity: [String: String], output: String) throws {
        let existing = try store.config()
        if existing.isEmpty {
            try store.setConfig(identity)
            return
        }
        let differing = identity.keys.sorted().filter { existing[$0] != identity[$0] }
        if !differing.isEmpty {
            throw PipelineError(path: output, "the shard set's recorded configuration differs (\(differing.joined(separator: ", "))); remove the folder to rebuild it")
        }
    }
}
