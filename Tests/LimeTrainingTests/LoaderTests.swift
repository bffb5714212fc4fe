import Foundation
import LimeData
import LimeText
import Testing
@testable import LimeTraining

@Suite struct LoaderTests {
    @Test func separatorIsTheTokenizersEOS() throws {
        let dataset = try TestData.dataset()
        let model = try SentencePieceModel(path: TestData.tokenizerPath)
        #expect(model.pieces[Int(dataset.separator)] == "</s>")
        #expect(dataset.shardCount > 2)
    }

    @Test func windowsAreContiguousPackedDocumentsWithSeparators() throws {
        let dataset = try TestData.dataset()
        let split = DocumentSplit(validationFraction: 0)
        let windows = try SequentialWindows.make(dataset: dataset, length: 16, limit: 1_000_000) { _ in true }
        // Rebuild the packed stream directly from the shards and compare.
        var expected: [Int32] = []
        var tags: [UInt8] = []
        for s in 0..<dataset.shardCount {
            for d in try dataset.documents(ofShard: s) where !split.isValidation(d) {
                expected += d.tokens.map { Int32($0) } + [dataset.separator]
                tags += d.tag + [TagSet.separatorID]
            }
        }
        #expect(windows.count == (expected.count - 1) / 16)
        for (i, w) in windows.enumerated() {
            #expect(w.tokens == Array(expected[(i * 16)...(i * 16 + 16)]))
            #expect(w.tag == Array(tags[(i * 16)...(i * 16 + 16)]))
        }
        let separators = windows.flatMap { $0.tokens.dropLast() }.filter { $0 == dataset.separator }.count
        #expect(separators > 0)
        // Every separator carries <sep> in every tag set and starts a word.
        for w in windows {
            for i in w.tokens.indices where w.tokens[i] == dataset.separator {
                #expect(w.tag[i] == TagSet.separatorID && w.pos[i] == TagSet.separatorID && w.ner[i] == TagSet.separatorID && w.wordStart[i] == 1)
            }
        }
    }

    @Test func sameSeedSameOrderOtherSeedOtherOrder() throws {
        let dataset = try TestData.dataset()
        let split = DocumentSplit(validationFraction: 0.1)
        func first(_ seed: UInt64, _ n: Int) throws -> [TrainingWindow] {
            try TrainingLoader(dataset: dataset, length: 32, seed: seed, split: split).nextBatch(n)
        }
        let a = try first(7, 40), b = try first(7, 40), c = try first(8, 40)
        #expect(a == b)
        #expect(a != c)
        #expect(a.allSatisfy { $0.tokens.count == 33 })
    }

    @Test func epochsCoverEveryTrainingWindowOnceAndReshuffle() throws {
        let dataset = try TestData.dataset()
        let split = DocumentSplit(validationFraction: 0.2)
        let loader = TrainingLoader(dataset: dataset, length: 32, seed: 3, split: split)
        var epoch0: [TrainingWindow] = []
        while loader.cursor.epoch == 0 { epoch0.append(try loader.next()) }
        let last = epoch0.removeLast()  // the first window of epoch 1
        var epoch1 = [last]
        while loader.cursor.epoch == 1 { epoch1.append(try loader.next()) }
        epoch1.removeLast()
        #expect(epoch0.count > 10)
        #expect(epoch0 != epoch1)
        // Validation documents never reach training: no training window contains a held-out document's opening.
        let held = try (0..<dataset.shardCount).flatMap { try dataset.documents(ofShard: $0) }.filter { split.isValidation($0) }
        #expect(!held.isEmpty)
        let probe = held.filter { $0.count >= 12 }.map { $0.tokens.prefix(12).map { Int32($0) } }
        for w in epoch0 {
            let text = w.tokens
            for p in probe {
                let found = text.count >= p.count && (0...(text.count - p.count)).contains { Array(text[$0..<($0 + p.count)]) == p }
                #expect(!found)
            }
        }
    }

    @Test func cursorRestoreContinuesExactly() throws {
        let dataset = try TestData.dataset()
        let split = DocumentSplit(validationFraction: 0.1)
        let straight = TrainingLoader(dataset: dataset, length: 24, seed: 11, split: split)
        let all = try straight.nextBatch(120)
        let first = TrainingLoader(dataset: dataset, length: 24, seed: 11, split: split)
        _ = try first.nextBatch(70)
        let saved = try JSONDecoder().decode(DataCursor.self, from: JSONEncoder().encode(first.cursor))
        let resumed = TrainingLoader(dataset: dataset, length: 24, seed: 11, split: split)
        resumed.restore(saved)
        #expect(try resumed.nextBatch(50) == Array(all[70...]))
    }

    @Test func corruptShardIsRejected() throws {
        let copy = TestData.temporaryDirectory("lime-trainer-corrupt")
        try FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: TestData.directory, toPath: copy)
        let manifest = try Manifest.read(from: copy)
        let path = Manifest.shardPath(manifest.shards[0].file, in: copy)
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        bytes[bytes.count - 5] ^= 0x40
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let dataset = try ShardDataset(directory: copy, tokenizer: TestData.tokenizerPath)
        #expect(throws: TrainerError.self) { _ = try dataset.documents(ofShard: 0) }
    }
}
