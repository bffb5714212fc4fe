import Foundation
import Testing
@testable import LimeTraining

@Suite struct GlobalShuffleTests {
    @Test func permutationIsABijectionForAnySize() {
        for n in [1, 2, 3, 5, 16, 17, 255, 1000, 4097] {
            let p = IndexPermutation(count: n, seed: 42)
            #expect((0..<n).map { p[$0] }.sorted() == Array(0..<n), "size \(n)")
        }
        let a = IndexPermutation(count: 1000, seed: 1), b = IndexPermutation(count: 1000, seed: 2)
        #expect((0..<1000).map { a[$0] } != (0..<1000).map { b[$0] })
        #expect((0..<1000).map { a[$0] } != Array(0..<1000))
    }

    func sorted(_ windows: [TrainingWindow]) -> [[Int32]] { windows.map(\.tokens).sorted { $0.lexicographicallyPrecedes($1) } }

    /// An epoch is every training window of every shard exactly once, in an order that
    /// interleaves shards (not shard by shard), and the next epoch reorders them.
    @Test func epochVisitsEveryWindowOnceAcrossShards() throws {
        let dataset = try TestData.dataset()
        let split = DocumentSplit(validationFraction: 0.1)
        let loader = try GlobalShuffleLoader(dataset: dataset, length: 16, seed: 4, split: split)
        let n = loader.windowsPerEpoch
        var expected: [TrainingWindow] = []
        for shard in 0..<dataset.shardCount {
            // The training stream built independently: kept documents, each then the separator.
            var tokens: [Int32] = []
            for d in try dataset.documents(ofShard: shard) where d.count > 0 && !split.isValidation(d) {
                tokens += d.tokens.map { Int32($0) } + [dataset.separator]
            }
            let count = tokens.count > 16 ? (tokens.count - 1) / 16 : 0
            #expect(loader.index.counts[shard] == count)
            let stream = try loader.stream(shard)
            for w in 0..<count {
                #expect(Array(tokens[(w * 16)...(w * 16 + 16)]) == stream.window(w, length: 16).tokens)
                expected.append(stream.window(w, length: 16))
            }
        }
        let epoch0 = try loader.nextBatch(n)
        #expect(sorted(epoch0) == sorted(expected))
        #expect(loader.cursor == DataCursor(epoch: 0, shard: 0, window: n))
        let shardsOfFirst = Set((0..<12).map { loader.index.locate(loader.windowID(epoch: 0, position: $0)).shard })
        #expect(shardsOfFirst.count >= 4, "the first windows come from many shards")
        let epoch1 = try loader.nextBatch(n)
        #expect(loader.cursor.epoch == 1)
        #expect(sorted(epoch1) == sorted(expected) && epoch1 != epoch0)
    }

    @Test func orderIsTheSameForAnyThreadCountAndResumes() throws {
        let dataset = try TestData.dataset()
        let split = DocumentSplit(validationFraction: 0.1)
        func run(_ threads: Int) throws -> [TrainingWindow] {
            let loader = try GlobalShuffleLoader(dataset: dataset, length: 24, seed: 7, split: split, threads: threads)
            return try (0..<12).flatMap { _ in try loader.nextBatch(9) }
        }
        let one = try run(1)
        #expect(try run(2) == one)
        #expect(try run(3) == one)
        #expect(one.count == 108)
        let other = try GlobalShuffleLoader(dataset: dataset, length: 24, seed: 8, split: split).nextBatch(20)
        #expect(other != Array(one.prefix(20)))
        // Restoring a saved cursor continues exactly, also across an epoch boundary.
        let loader = try GlobalShuffleLoader(dataset: dataset, length: 24, seed: 7, split: split, threads: 2)
        let total = loader.windowsPerEpoch
        _ = try loader.nextBatch(total - 5)
        let saved = try JSONDecoder().decode(DataCursor.self, from: JSONEncoder().encode(loader.cursor))
        let straight = try loader.nextBatch(12)
        let resumed = try GlobalShuffleLoader(dataset: dataset, length: 24, seed: 7, split: split, threads: 1)
        resumed.restore(saved)
        #expect(try resumed.nextBatch(12) == straight)
        #expect(resumed.cursor.epoch == 1 && resumed.cursor.window == 7)
    }

    /// The stored index is used when its key and checksum match, rebuilt otherwise, and a
    /// wrong count that passes both is still caught when its shard is read.
    @Test func storedIndexIsReusedOnlyWhenItChecksOut() throws {
        let dataset = try TestData.dataset()
        let split = DocumentSplit(validationFraction: 0.1)
        let path = TestData.temporaryDirectory("lime-index") + "/window-index-0.json"
        let built = try GlobalShuffleLoader(dataset: dataset, length: 16, seed: 1, split: split, indexFile: path)
        var stored = try JSONDecoder().decode(WindowIndexFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(stored.counts == built.index.counts && stored.length == 16)
        func write(_ file: WindowIndexFile) throws { try JSONEncoder().encode(file).write(to: URL(fileURLWithPath: path)) }
        // Tampered counts without a matching checksum: rebuilt.
        var tampered = stored
        tampered.counts[0] += 1
        try write(tampered)
        #expect(try GlobalShuffleLoader(dataset: dataset, length: 16, seed: 1, split: split, indexFile: path).index == built.index)
        // Another length: rebuilt for that length.
        let other = try GlobalShuffleLoader(dataset: dataset, length: 24, seed: 1, split: split, indexFile: path)
        #expect(other.index == (try WindowIndex.training(dataset, length: 24, split: split)))
        // A consistent file is used as it is (no shard read), and a wrong count surfaces by shard name.
        stored = try JSONDecoder().decode(WindowIndexFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        stored.length = 16
        stored.counts = built.index.counts
        stored.counts[0] += 1
        stored.sha256 = WindowIndexFile.digest(stored.counts)
        try write(stored)
        let trusting = try GlobalShuffleLoader(dataset: dataset, length: 16, seed: 1, split: split, indexFile: path)
        #expect(trusting.index.counts == stored.counts)
        #expect { _ = try trusting.stream(0) } throws: { "\($0)".contains(dataset.manifest.shards[0].file) }
    }
}
