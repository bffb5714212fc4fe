import Foundation
import LimeCompute
import LimeData
import Testing
@testable import LimeTraining

@Suite struct MixtureTests {
    /// The stated tolerance: over any N consecutive draws a source's count is within 2 of
    /// N x its share (strictly), and exact over every whole cycle.
    @Test func scheduleProportionsHoldOverEveryWindow() throws {
        var s = try WeightedSchedule(weights: [3, 2, 1])
        #expect((0..<12).map { _ in s.next() } == [0, 1, 0, 2, 1, 0, 0, 1, 0, 2, 1, 0])
        var rng = Xoshiro256(seed: 5)
        var worst = 0.0
        for _ in 0..<200 {
            let k = 2 + rng.nextInt(5)
            let weights = (0..<k).map { _ in Int64(1 + rng.nextInt(60)) }
            var schedule = try WeightedSchedule(weights: weights)
            let total = Int(schedule.total)
            let picks = (0..<(3 * total)).map { _ in schedule.next() }
            for source in 0..<k {
                var prefix = [0]
                for p in picks { prefix.append(prefix.last! + (p == source ? 1 : 0)) }
                let share = Double(weights[source]) / Double(total)
                for n in [1, 7, 50, total] where n <= picks.count {
                    for a in 0...(picks.count - n) {
                        worst = max(worst, abs(Double(prefix[a + n] - prefix[a]) - Double(n) * share))
                    }
                }
                for cycle in 0..<3 { #expect(prefix[(cycle + 1) * total] - prefix[cycle * total] == Int(weights[source])) }
            }
            #expect(schedule.credit.allSatisfy { $0 == 0 })  // back to the start after whole cycles
        }
        print("mixture tolerance: worst |count - N*p| over all windows = \(worst) (bound 2)")
        #expect(worst < 2)
        #expect(WeightedSchedule.reduced([300_000, 200_000, 100_000]) == [3, 2, 1])
        #expect(throws: TrainerError.self) { _ = try WeightedSchedule(weights: [1, 0]) }
    }

    @Test func mixtureFileResolvesSourcesAndRefusesBadInput() throws {
        let dirs = MixtureData.directories
        let good = MixtureData.file("mix-good", "sources:\n  - data: \(dirs.first)\n    tokens: 3200\n  - data: \(dirs.second)\n    epochs: 0.5\n")
        let file = try MixtureFile(path: good)
        #expect(file.sources.map(\.path) == [dirs.first, dirs.second])
        #expect(file.sources[0].tokens == 3200 && file.sources[1].epochs == 0.5)
        #expect(try file.scheduleWeights(length: 16) { _ in 100 } == [4, 1])  // 200 windows vs 50
        // Relative paths are relative to the mixture file.
        let relative = MixtureData.file("mix-rel", "sources:\n  - data: \((dirs.first as NSString).lastPathComponent)\n    weight: 1\n")
        #expect(try MixtureFile(path: relative).sources[0].path == dirs.first)

        func message(_ yaml: String) -> String {
            let path = MixtureData.file("mix-bad", yaml)
            do { _ = try TrainingData(path: path, tokenizer: TestData.tokenizerPath) } catch { return "\(error)" }
            return ""
        }
        let a = "  - data: \(dirs.first)\n"
        #expect(message("sources: []\n").contains("non-empty list"))
        #expect(message("sources:\n\(a)    weight: 1\n    tokens: 5\n").contains("exactly one of"))
        #expect(message("sources:\n\(a)    weight: -1\n").contains("must be positive"))
        #expect(message("sources:\n\(a)    wieght: 1\n").contains("unknown key 'wieght'"))
        #expect(message("seed: 3\nsources:\n\(a)    weight: 1\n").contains("unknown key 'seed'"))
        #expect(message("sources:\n\(a)    weight: 1\n  - data: \(dirs.second)\n    tokens: 100\n").contains("ambiguous"))
        let missing = message("sources:\n\(a)    weight: 1\n  - data: /nonexistent/lime\n    weight: 1\n")
        #expect(missing.contains("/nonexistent/lime") && missing.contains("no manifest"))
        #expect(message("sources: [").contains("invalid YAML"))
        #expect(message("sources: [").contains("mix-bad"))
    }

    /// A model learns from one kind of tags: a mixture of a full-context and a causal shard
    /// set is refused, naming both; two causal ones are fine.
    @Test func mixingAnnotationContextsIsRefused() throws {
        let dirs = MixtureData.directories
        func causalCopy(_ source: String, _ label: String) throws -> String {
            let directory = TestData.temporaryDirectory(label)
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.copyItem(atPath: source, toPath: directory)
            var manifest = try Manifest.read(from: directory)
            manifest.annotator["annotation_context"] = "causal"
            try manifest.write(to: directory)
            #expect(try Manifest.read(from: directory).annotationContext == .causal)
            return directory
        }
        let causalA = try causalCopy(dirs.first, "lime-mix-causal-a"), causalB = try causalCopy(dirs.second, "lime-mix-causal-b")
        #expect(try Manifest.read(from: dirs.first).annotationContext == .full)
        let mixed = MixtureData.file("mix-contexts", "sources:\n  - data: \(dirs.first)\n    weight: 1\n  - data: \(causalB)\n    weight: 1\n")
        let error = #expect(throws: TrainerError.self) { _ = try TrainingData(path: mixed, tokenizer: TestData.tokenizerPath) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("causal context") && message.contains("full") && message.contains(causalB))
        let causal = MixtureData.file("mix-causal", "sources:\n  - data: \(causalA)\n    weight: 1\n  - data: \(causalB)\n    weight: 1\n")
        #expect(try TrainingData(path: causal, tokenizer: TestData.tokenizerPath).datasets.count == 2)
    }

    /// Each source's windows come in that source's own order; the schedule picks the source.
    @Test func loaderInterleavesSourcesInTheirOwnOrders() throws {
        let data = try TrainingData(path: MixtureData.weighted("mix-3-1", "3", "1"), tokenizer: TestData.tokenizerPath)
        let split = DocumentSplit(validationFraction: 0.1)
        let loader = try data.loader(length: 16, seed: 9, split: split, shuffle: .shard, threads: 1) as! MixtureLoader
        #expect(loader.schedule.weights == [3, 1])
        let windows = try loader.nextBatch(30) + loader.nextBatch(10)
        var schedule = try WeightedSchedule(weights: [3, 1])
        let picks = (0..<40).map { _ in schedule.next() }
        #expect(picks.filter { $0 == 0 }.count == 30)
        for s in 0..<2 {
            let own = TrainingLoader(dataset: data.datasets[s], length: 16, seed: MixtureLoader.seed(9, source: s), split: split)
            let expected = try own.nextBatch(picks.filter { $0 == s }.count)
            #expect(zip(picks, windows).filter { $0.0 == s }.map(\.1) == expected)
        }
        // Same seed, same windows; another seed, other windows.
        let again = try data.loader(length: 16, seed: 9, split: split, shuffle: .shard, threads: 1).nextBatch(40)
        let other = try data.loader(length: 16, seed: 10, split: split, shuffle: .shard, threads: 1).nextBatch(40)
        #expect(again == windows && other != windows)
        // The cursor carries the mixture state; restoring it continues exactly.
        let cursor = try JSONDecoder().decode(DataCursor.self, from: JSONEncoder().encode(loader.cursor))
        #expect(cursor.mixture?.sources.count == 2 && cursor.epoch == 10 && cursor.window == 0)
        let next = try loader.nextBatch(13)
        let resumed = try data.loader(length: 16, seed: 9, split: split, shuffle: .shard, threads: 1) as! MixtureLoader
        #expect(resumed.accepts(cursor) && !resumed.accepts(DataCursor()))
        let reweighted = try TrainingData(path: MixtureData.weighted("mix-1-1", "1", "1"), tokenizer: TestData.tokenizerPath)
        let changed = try reweighted.loader(length: 16, seed: 9, split: split, shuffle: .shard, threads: 1) as! MixtureLoader
        #expect(!changed.accepts(cursor), "a mixture with other weights refuses the cursor")
        resumed.restore(cursor)
        #expect(try resumed.nextBatch(13) == next)
    }

    @Test func epochsWeighBySourceSizeAndGlobalShuffleMixes() throws {
        let dirs = MixtureData.directories
        let path = MixtureData.file("mix-epochs", "sources:\n  - data: \(dirs.first)\n    epochs: 2\n  - data: \(dirs.second)\n    epochs: 1\n")
        let data = try TrainingData(path: path, tokenizer: TestData.tokenizerPath)
        let split = DocumentSplit(validationFraction: 0.1)
        let loader = try data.loader(length: 16, seed: 2, split: split, shuffle: .global, threads: 2) as! MixtureLoader
        let sizes = try data.datasets.map { try WindowIndex.training($0, length: 16, split: split).total }
        #expect(loader.sources.allSatisfy { $0 is GlobalShuffleLoader })
        #expect(loader.schedule.weights == WeightedSchedule.reduced([Int64(2 * sizes[0]), Int64(sizes[1])]))
        // One pass of the amounts: the first source twice over (each window twice), the second once.
        var schedule = loader.schedule
        let picks = (0..<(2 * sizes[0] + sizes[1])).map { _ in schedule.next() }
        #expect(picks.filter { $0 == 0 }.count == 2 * sizes[0])
        let windows = try loader.nextBatch(picks.count)
        func sorted(_ w: [TrainingWindow]) -> [[Int32]] { w.map(\.tokens).sorted { $0.lexicographicallyPrecedes($1) } }
        let firstSource = zip(picks, windows).filter { $0.0 == 0 }.map(\.1)
        let oneEpoch = try GlobalShuffleLoader(dataset: data.datasets[0], length: 16, seed: 0, split: split).nextBatch(sizes[0])
        #expect(sorted(firstSource) == sorted(oneEpoch + oneEpoch))
    }
}
