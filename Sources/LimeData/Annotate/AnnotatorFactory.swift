import Foundation
import LimeText

/// Makes annotators by backend name, one per worker thread.
public enum AnnotatorFactory {
    public static let names = ["native", "spacy"]

    /// A function that makes a fresh annotator of the named backend. Models that can be
    /// shared between threads are loaded once, here.
    public static func maker(name: String, config: PipelineConfig) throws -> () throws -> Annotator {
        switch name {
        case "spacy":
            let options = SpacyAnnotator.Options.standard(model: config.spacyModel, timeout: config.spacyTimeout)
            return { try SpacyAnnotator(options: options) }
        default:
            throw PipelineError("unknown annotator '\(name)' (expected one of: \(names.joined(separator: ", ")))")
        }
    }
}
