import ArgumentParser
import Foundation
import LimeCompute
import LimeTraining

/// `lime bench loader`: windows/s and peak resident memory of one way of reading training
/// windows, as one JSON line (read by Pipelines/bench/bench_loader.py, one process per mode).
struct BenchLoader: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loader",
        abstract: "Windows/s and peak RSS of the loader: sequential or random Dataset[i], global shuffle, shard order.")

    @Option(help: "Pipeline output directory.") var data: String
    @Option(help: "sequential, random (window(at:) by index), global (GlobalShuffleLoader) or shard (TrainingLoader).") var mode: String
    @Option(help: "Window length (tokens predicted per window).") var length: Int = 256
    @Option(help: "Windows to read.") var windows: Int = 2000
    @Option(help: "Windows per batch (global, shard).") var batch: Int = 32
    @Option(help: "Threads (global).") var threads: Int = 1
    @Option(help: "Seed of the random order.") var seed: UInt64 = 1

    func run() throws {
        let dataset = try ShardDataset(directory: data)
        let split = DocumentSplit(validationFraction: 0.01)
        let t0 = Timing.now()
        var read = 0, checksum: Int64 = 0
        var setup = 0.0
        func consume(_ w: TrainingWindow) {
            read += 1
            checksum &+= Int64(w.tokens[0]) &* 31 &+ Int64(w.ner[w.ner.count - 1])
        }
        switch mode {
        case "sequential", "random":
            let index = dataset.windowIndex(length: length)
            let n = min(windows, index.total)
            let order = IndexPermutation(count: index.total, seed: seed)
            for i in 0..<n { consume(try dataset.window(at: mode == "random" ? order[i] : i, in: index, length: length)) }
        case "global":
            let loader = try GlobalShuffleLoader(dataset: dataset, length: length, seed: seed, split: split, threads: threads)
            setup = Timing.now() - t0
            while read < windows { for w in try loader.nextBatch(min(batch, windows - read)) { consume(w) } }
        case "shard":
            let loader = TrainingLoader(dataset: dataset, length: length, seed: seed, split: split)
            while read < windows { for w in try loader.nextBatch(min(batch, windows - read)) { consume(w) } }
        default:
            throw ValidationError("unknown --mode '\(mode)' (sequential, random, global, shard)")
        }
        let seconds = Timing.now() - t0 - setup
        let line = Line(mode: mode, windows: read, length: length, threads: threads, setupSeconds: setup, seconds: seconds,
                        windowsPerSecond: Double(read) / max(seconds, 1e-9), maxRSSMB: peakResidentMegabytes(),
                        checksum: checksum)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(line), as: UTF8.self))
    }

    struct Line: Encodable {
        var bench = "loader"
        var mode: String
        var windows, length, threads: Int
        var setupSeconds, seconds, windowsPerSecond, maxRSSMB: Double
        var checksum: Int64
        enum CodingKeys: String, CodingKey {
            case bench, mode, windows, length, threads, seconds, checksum
            case setupSeconds = "setup_seconds", windowsPerSecond = "windows_per_s", maxRSSMB = "max_rss_mb"
        }
    }
}
