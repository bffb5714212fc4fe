import Foundation
import LimeSupport
import LimeText
import Testing
@testable import LimeData

/// `lime run --annotation-context causal`: the shipped causal model annotates, the manifest
/// and the annotator fingerprint say so, and what cannot be causal is refused by name.
@Suite(.serialized) struct CausalPipelineTests {
    func config(_ context: AnnotationContext) -> PipelineConfig {
        var config = PipelineConfig()
        config.annotator = "native"
        config.annotationContext = context
        config.tokenizer = TestSupport.tokenizerPath
        config.workers = 2
        config.unitDocuments = 8
        return config
    }

    func run(_ directory: String, _ config: PipelineConfig) throws -> RunSummary {
        let maker = try AnnotatorFactory.maker(name: config.annotator, config: config)
        return try Pipeline(inputs: [TestSupport.fixture("real-text.jsonl")], directory: directory, config: config,
                            makeAnnotator: maker).run()
    }

    /// Every document's pieces and tags, in order.
    func documents(_ directory: String) throws -> [(tokens: [UInt32], tags: [UInt8], ner: [UInt8])] {
        let manifest = try Manifest.read(from: directory)
        return try manifest.shards.flatMap { shard in
            try ShardReader(path: Manifest.shardPath(shard.file, in: directory)).documents().map { ($0.tokens, $0.tag, $0.ner) }
        }
    }

    @Test func causalRunRecordsItsContextAndKeepsThePieces() throws {
        let full = TestSupport.temporaryDirectory("lime-full-context")
        let causal = TestSupport.temporaryDirectory("lime-causal-context")
        _ = try run(full, config(.full))
        let summary = try run(causal, config(.causal))
        #expect(summary.quarantined == 0)
        let manifest = try Manifest.read(from: causal)
        #expect(manifest.annotationContext == .causal)
        #expect(manifest.annotator["annotation_context"] == "causal")
        #expect(manifest.annotator["model_sha256"] == ShippedTaggerModel.sha256(.causal))
        #expect(try Manifest.read(from: full).annotationContext == .full)
        #expect(try Manifest.read(from: full).annotator["annotation_context"] == nil)
        #expect(try DatasetVerifier.verify(directory: causal).ok)
        // Same documents and pieces; only the tags differ, and not everywhere.
        let a = try documents(full), b = try documents(causal)
        #expect(a.map(\.tokens) == b.map(\.tokens))
        let tags = zip(a, b).reduce((same: 0, all: 0)) { n, d in
            (n.same + zip(d.0.tags, d.1.tags).filter { $0 == $1 }.count, n.all + d.0.tags.count)
        }
        #expect(tags.same < tags.all, "causal tags identical to full-context ones everywhere")
        #expect(Double(tags.same) / Double(tags.all) > 0.85, "\(tags.same) of \(tags.all) tags agree")
        #expect(b.contains { $0.ner.contains { TagSets.ner.label($0).hasPrefix("B-") } }, "no entity in causal context")
    }

    @Test func whatCannotBeCausalIsRefused() throws {
        var spacy = config(.causal)
        spacy.annotator = "spacy"
        let spacyError = #expect(throws: PipelineError.self) { _ = try AnnotatorFactory.maker(name: "spacy", config: spacy) }
        #expect(spacyError?.description.contains("causal needs the native annotator") == true)
        // A full-context model file with a causal run, and the other way round.
        for (model, context) in [(TaggerModel.shippedModelURL(.full)!.path, AnnotationContext.causal),
                                 (TaggerModel.shippedModelURL(.causal)!.path, .full)] {
            var c = config(context)
            c.taggerModel = model
            let error = #expect(throws: PipelineError.self) { _ = try AnnotatorFactory.maker(name: "native", config: c) }
            #expect(error?.description.hasPrefix(model) == true)
            #expect(error?.description.contains("annotation context is \(context.rawValue)") == true)
        }
    }

    @Test func configFileSetsTheContext() throws {
        let directory = TestSupport.temporaryDirectory("lime-causal-config")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/pipeline.yaml"
        try "annotator:\n  name: native\n  context: causal\n".write(toFile: path, atomically: true, encoding: .utf8)
        var config = PipelineConfig()
        try config.load(yamlFile: path)
        #expect(config.annotationContext == .causal)
        try "annotator:\n  context: sideways\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: PipelineError.self) { try config.load(yamlFile: path) }
        #expect(error?.description.contains("unknown annotator context 'sideways'") == true)
        #expect(error?.description.hasPrefix(path) == true)
    }
}
