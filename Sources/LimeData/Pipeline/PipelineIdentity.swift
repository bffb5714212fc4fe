import Foundation
import LimeSupport

extension Pipeline {
    /// The settings that make a directory's output what it is (configuration, inputs,
    /// tokenizer, tag sets, annotator, partition). A new directory records them; an
    /// existing one must match them, or the run is refused naming what differs.
    func checkIdentity(store: ProvenanceStore, files: [InputFile], model: any SubwordTokenizer, tagsetsSHA: [UInt8],
                       fingerprint: [String: String]) throws {
        let fingerprintText = fingerprint.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        var identity = config.identity()
        identity["inputs"] = files.map(\.path).joined(separator: "\n")
        identity["tokenizer_sha256"] = model.sha256
        identity["tagsets_sha256"] = Hashing.hex(tagsetsSHA)
        identity["annotator_fingerprint"] = fingerprintText
        identity["partition"] = partition?.description ?? ""
        let existing = try store.config()
        if existing.isEmpty {
            try store.setConfig(identity)
        } else {
            let differing = identity.keys.sorted().filter { existing[$0] != identity[$0] }
            if !differing.isEmpty {
                throw PipelineError("\(directory) was produced with a different configuration (\(differing.joined(separator: ", ")) differ); use a new output directory or the original settings")
            }
        }
        try recordComponents(store, model: model, fingerprint: fingerprint, fingerprintText: fingerprintText, tagsetsSHA: tagsetsSHA)
    }
}
