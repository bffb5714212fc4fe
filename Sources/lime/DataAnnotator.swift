import Foundation
import LimeData
import LimeText
import LimeTraining

/// The annotator that made the training data of a run with `spec` (its manifest's backend
/// and annotation context), for commands that annotate new text for a trained model
/// (`generate`, `probe`): a model trained on causal tags is given causal tags. `name` overrides the backend. When
/// the data's manifest cannot be read, the native full-context annotator, with a warning.
func dataAnnotator(spec: RunSpec, name: String? = nil) throws -> Annotator {
    var config = PipelineConfig()
    do {
        let manifest = try Manifest.read(from: TrainingData.firstDirectory(spec.data))
        config.annotator = name ?? manifest.annotator["name"] ?? "native"
        guard let context = manifest.annotationContext else {
            throw PipelineError("the data's annotation context '\(manifest.annotator["annotation_context"] ?? "")' is unknown to this build")
        }
        config.annotationContext = context
    } catch let error as PipelineError where error.path != nil {
        FileHandle.standardError.write(Data("lime: \(error.description); annotating with the native full-context annotator\n".utf8))
        config.annotator = name ?? "native"
    }
    return try AnnotatorFactory.maker(name: config.annotator, config: config)()
}
