import Foundation
import LimeText

/// Makes annotators by backend name, one per worker thread.
public enum AnnotatorFactory {
    public static let names = ["native", "spacy"]

    /// A function that makes a fresh annotator of the named backend. Models that can be
    /// shared between threads are loaded once, here.
    public static func maker(name: String, config: PipelineConfig) throws -> () throws -> Annotator {
        switch name {
        case "native":
            if let path = config.taggerModel {
                let first = try NativeAnnotator(modelPath: path)
                return { NativeAnnotator(model: first.model, modelSHA256: first.fingerprint["model_sha256"] ?? "") }
            }
            let shipped = try ShippedTaggerModel.shared()
            return { NativeAnnotator(model: shipped, modelSHA256: ShippedTaggerModel.sha256) }
        case "spacy":
            let options = SpacyAnnotator.Options.standard(model: config.spacyModel, timeout: config.spacyTimeout)
            return { try SpacyAnnotator(options: options) }
        default:
            throw PipelineError("unknown annotator '\(name)' (expected one of: \(names.joined(separator: ", ")))")
        }
    }
}
