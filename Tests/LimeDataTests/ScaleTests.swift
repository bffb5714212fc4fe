import Foundation
import Testing
@testable import LimeData

/// Same bytes whatever the number of workers, and for a partitioned run merged.
@Suite(.serialized) struct ScaleTests {
    func config(workers: Int) -> PipelineConfig {
        var config = PipelineConfig()
        config.annotator = PipelineTests.annotator
        config.tokenizer = TestSupport.tokenizerPath
        config.workers = workers
        config.unitDocuments = 4
        return config
    }

    func run(_ directory: String, workers: Int, partition: Partition? = nil) throws -> RunSummary {
        let config = config(workers: workers)
        let maker = try AnnotatorFactory.maker(name: config.annotator, config: config)
        return try Pipeline(inputs: [TestSupport.fixture("real-text.jsonl")], directory: directory, config: config,
                            partition: partition, makeAnnotator: maker).run()
    }

    @Test func identicalBytesForAnyWorkerCount() throws {
        var outputs: [[String: Data]] = []
        for workers in [1, 2, 8] {
            let directory = TestSupport.temporaryDirectory("lime-workers-\(workers)")
            _ = try run(directory, workers: workers)
            outputs.append(TestSupport.outputBytes(directory))
        }
        #expect(outputs[0].count > 10)
        #expect(outputs[1] == outputs[0])
        #expect(outputs[2] == outputs[0])
    }

    @Test func threePartitionsMergedEqualOneRun() throws {
        let single = TestSupport.temporaryDirectory("lime-single")
        _ = try run(single, workers: 2)
        var parts: [String] = []
        for index in 0..<3 {
            let directory = TestSupport.temporaryDirectory("lime-part-\(index)")
            let summary = try run(directory, workers: 1, partition: try Partition(index: index, count: 3))
            #expect(summary.documents > 0 && summary.documents < TestSupport.documents.count)
            parts.append(directory)
        }
        let merged = TestSupport.temporaryDirectory("lime-merged")
        let summary = try DatasetMerge.merge(parts, into: merged)
        #expect(summary.documents == TestSupport.documents.count)
        #expect(TestSupport.outputBytes(merged) == TestSupport.outputBytes(single))
        #expect(try DatasetVerifier.verify(directory: merged).ok)
        let store = try ProvenanceStore(path: merged + "/provenance.sqlite")
        #expect(try store.status().documents == TestSupport.documents.count)
        // The partitions' kept annotations came along: the merged dataset verifies, and
        // another tokenizer on it annotates nothing again.
        let check = try StageOutputsCheck.verify(directory: merged)
        #expect(check.problems.isEmpty && check.files > 0 && check.documents == TestSupport.documents.count)
        var retokenize = config(workers: 1)
        retokenize.tokenizer = nil
        let maker = try AnnotatorFactory.maker(name: retokenize.annotator, config: retokenize)
        let again = try Pipeline(inputs: [TestSupport.fixture("real-text.jsonl")], directory: merged, config: retokenize,
                                 makeAnnotator: maker).run()
        #expect(again.directory.hasPrefix(merged + "/shard-sets/") && again.unitsProcessed > 0)
        #expect(again.annotationsReused == again.unitsProcessed, "\(again.annotationsReused) of \(again.unitsProcessed) reused")
        // A partition missing, or given twice, is refused.
        #expect(throws: PipelineError.self) { try DatasetMerge.merge(Array(parts.prefix(2)), into: TestSupport.temporaryDirectory("x")) }
        #expect(throws: PipelineError.self) { try DatasetMerge.merge([parts[0], parts[0], parts[1]], into: TestSupport.temporaryDirectory("y")) }
    }
}
