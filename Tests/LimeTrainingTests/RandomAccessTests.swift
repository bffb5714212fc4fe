import Foundation
import LimeCompute
import LimeData
import Testing
@testable import LimeTraining

@Suite struct RandomAccessTests {
    func shuffled(_ n: Int, seed: UInt64) -> [Int] { TrainingLoader.permutation(n, seed: seed) }

    @Test func documentAtIndexEqualsSequentialIteration() throws {
        let dataset = try TestData.dataset()
        let sequential = try (0..<dataset.shardCount).flatMap { try dataset.documents(ofShard: $0) }
        #expect(dataset.documentCount == sequential.count && sequential.count > 20)
        for i in shuffled(sequential.count, seed: 3) { #expect(try dataset.document(at: i) == sequential[i]) }
        #expect(throws: TrainerError.self) { _ = try dataset.document(at: sequential.count) }
        #expect(throws: TrainerError.self) { _ = try dataset.document(at: -1) }
    }

    @Test func windowAtIndexEqualsSequentialIteration() throws {
        let dataset = try TestData.dataset()
        let length = 20
        // Sequential: every shard's documents, each followed by the separator, cut into
        // windows of length + 1 that share one token; built here without the library's packing.
        var sequential: [(tokens: [Int32], ner: [UInt8])] = []
        for shard in 0..<dataset.shardCount {
            var tokens: [Int32] = [], ner: [UInt8] = []
            for d in try dataset.documents(ofShard: shard) {
                tokens += d.tokens.map { Int32($0) } + [dataset.separator]
                ner += d.ner + [2]
            }
            var w = 0
            while w * length + length < tokens.count {
                sequential.append((Array(tokens[(w * length)...(w * length + length)]), Array(ner[(w * length)...(w * length + length)])))
                w += 1
            }
        }
        let index = dataset.windowIndex(length: length)  // from the manifest alone
        #expect(index.total == sequential.count && index.counts.count == dataset.shardCount)
        for i in shuffled(sequential.count, seed: 5) {
            let w = try dataset.window(at: i, in: index, length: length)
            #expect(w.tokens == sequential[i].tokens && w.ner == sequential[i].ner, "window \(i)")
        }
        #expect(throws: TrainerError.self) { _ = try dataset.window(at: index.total, in: index, length: length) }
        #expect(index.locate(0).shard == 0 && index.locate(0).window == 0 || index.counts[0] == 0)
        #expect(index.locate(index.total - 1).shard == dataset.shardCount - 1 || index.counts.last == 0)
    }
}
