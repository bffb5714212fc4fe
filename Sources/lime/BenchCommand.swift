import ArgumentParser
import Foundation
import LimeCompute
import LimeSupport
import LimeTransformer

/// `lime bench`: measures the trainer's kernels and training throughput.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the trainer: matrix multiply GFLOP/s, training tokens/s, loader windows/s and memory.",
        subcommands: [BenchMatmul.self, BenchTrain.self, BenchLoader.self]
    )
}

/// `lime bench matmul M K N`: GFLOP/s of the SIMD matmul, as one JSON line.
struct BenchMatmul: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "matmul", abstract: "Time C = A·B for an MxK by KxN product.")

    @Argument(help: "Rows of A and C.") var m: Int
    @Argument(help: "Columns of A, rows of B.") var k: Int
    @Argument(help: "Columns of B and C.") var n: Int
    @Option(help: "Threads (default: all cores).") var threads: Int = ThreadPool.machineThreads
    @Option(help: "Timed repetitions (the best is reported).") var repeats: Int = 5
    @Flag(name: .customLong("transpose-a"), help: "Store A as KxM (C = Aᵀ·B).") var transposeA = false
    @Flag(name: .customLong("transpose-b"), help: "Store B as NxK (C = A·Bᵀ).") var transposeB = false

    func validate() throws {
        guard m > 0, k > 0, n > 0 else { throw ValidationError("M, K and N must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        let r = MatmulBenchmark.run(m: m, k: k, n: n, threads: threads, transposeA: transposeA, transposeB: transposeB, repeats: repeats)
        print(JSONLine.encode(Line(m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB,
                                   threads: r.threads, seconds: r.seconds, gflops: r.gflops)))
    }

    /// The line `bench matmul` prints (read by Pipelines/bench/bench_kernels.py).
    struct Line: Encodable {
        var bench = "matmul"
        var m, k, n: Int
        var transposeA, transposeB: Bool
        var threads: Int
        var seconds, gflops: Double
        enum CodingKeys: String, CodingKey {
            case bench, m, k, n, threads, seconds, gflops
            case transposeA = "transpose_a", transposeB = "transpose_b"
        }
    }
}

/// `lime bench train`: tokens/s of forward + backward + AdamW on a random batch, as one JSON line.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Time training steps of a small transformer.")

    @Option(help: "Transformer layers.") var layers: Int = 4
    @Option(name: .customLong("d-model"), help: "Model width.") var dModel: Int = 256
    @Option(help: "Attention heads.") var heads: Int = 4
    @Option(help: "GeGLU hidden width (default 8/3 d-model rounded up to 32).") var mlp: Int?
    @Option(help: "Context length.") var ctx: Int = 256
    @Option(help: "Sequences per step.") var batch: Int = 8
    @Option(help: "Vocabulary size.") var vocab: Int = 8000
    @Option(help: "Metadata table sizes, comma-separated (LIME), e.g. 50,37.") var metadata: String = ""
    @Option(help: "Threads (default: all cores).") var threads: Int = ThreadPool.machineThreads
    @Option(help: "Timed steps.") var steps: Int = 5
    @Flag(help: "Print the share of step time per kernel family.") var profile = false
    @Flag(help: "Add the metadata-prediction head (needs --metadata).") var metadataHead = false

    func run() throws {
        let meta = try metadata.split(separator: ",").map { part -> Int in
            guard let v = Int(part), v > 0 else { throw ValidationError("--metadata: '\(part)' is not a positive integer") }
            return v
        }
        let config = ModelConfig(vocabSize: vocab, contextLength: ctx, layers: layers, dModel: dModel, heads: heads, mlpWidth: mlp, metadataVocabSizes: meta, metadataHead: metadataHead)
        let r = try TrainBenchmark.run(config: config, batch: batch, threads: threads, steps: max(1, steps), profile: profile)
        print(JSONLine.encode(Line(
            params: r.parameters, threads: r.threads, tokensPerStep: r.tokensPerStep, stepSeconds: r.stepSeconds,
            tokensPerSecond: r.tokensPerSecond, tokensPerCPUSecond: r.tokensPerCPUSecond, loss: Double(r.finalLoss),
            tasksPerThread: r.tasksPerThread, allocationsPerStep: r.allocationsPerStep,
            profile: profile ? Dictionary(r.profile.map { ($0.0, $0.1) }, uniquingKeysWith: +) : nil)))
    }

    /// The line `bench train` prints (read by the kernel and allocation checks).
    struct Line: Encodable {
        var bench = "train"
        var params, threads, tokensPerStep: Int
        var stepSeconds, tokensPerSecond, tokensPerCPUSecond, loss: Double
        var tasksPerThread: [Int]
        var allocationsPerStep: Double?
        /// Share of step time per kernel family, with --profile.
        var profile: [String: Double]?
        enum CodingKeys: String, CodingKey {
            case bench, params, threads, loss, profile
            case tokensPerStep = "tokens_per_step", stepSeconds = "step_seconds", tokensPerSecond = "tokens_per_s"
            case tokensPerCPUSecond = "tokens_per_cpu_s", tasksPerThread = "tasks_per_thread"
            case allocationsPerStep = "allocations_per_step"
        }
    }
}
