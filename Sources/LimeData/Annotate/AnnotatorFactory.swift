import Foundation
import LimeText

/// Makes annotators by backend name, one per worker thread.
public enum AnnotatorFactory {
    public static let names = ["native", "spacy"]

    /// A function that makes a fresh annotator of the named backend. Models that can be
    /// shared between threads are loaded once, here. A model whose context is not the
    /// config's `annotationContext` is refused, as is spaCy in causal context.
    public static func maker(name: String, config: PipelineConfig) throws -> () throws -> Annotator {
        let context = config.annotationContext
        switch name {
        case "native":
            if let path = config.taggerModel {
                let first = try NativeAnnotator(modelPath: path)
                guard first.model.context == context else {
                    throw PipelineError(path: path, "a \(first.model.context.rawValue)-context tagger model, but the run's annotation context is \(context.rawValue)")
                }
                return { NativeAnnotator(model: first.model, modelSHA256: first.fingerprint["model_sha256"] ?? "") }
            }
            let shipped = try ShippedTaggerModel.shared(context)
            return { NativeAnnotator(model: shipped, modelSHA256: { ShippedTaggerModel.sha256(context) }) }
        case "spacy":
            guard context == .full else {
                throw PipelineError("the spaCy annotator reads whole documents: annotation context causal needs the native annotator")
            }
            let options = SpacyAnnotator.Options.standard(model: config.spacyModel, timeout: config.spacyTimeout)
            return { try SpacyAnnotator(options: options) }
        default:
            throw PipelineError("unknown annotator '\(name)' (expected one of: \(names.joined(separator: ", ")))")
        }
    }
}
