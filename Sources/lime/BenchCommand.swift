import ArgumentParser
import Foundation
import LimeCompute
import LimeTransformer

/// `lime bench`: measures the trainer's kernels and training throughput.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the trainer: matrix multiply GFLOP/s and training tokens/s.",
        subcommands: [BenchMatmul.self, BenchTrain.self]
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
        print(#"{"bench":"matmul","m":\#(m),"k":\#(k),"n":\#(n),"transpose_a":\#(transposeA),"transpose_b":\#(transposeB),"threads":\#(r.threads),"seconds":\#(String(format: "%.6f", r.seconds)),"gflops":\#(String(format: "%.2f", r.gflops))}"#)
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

    func run() throws {
        let meta = try metadata.split(separator: ",").map { part -> Int in
            guard let v = Int(part), v > 0 else { throw ValidationError("--metadata: '\(part)' is not a positive integer") }
            return v
        }
        let config = ModelConfig(vocabSize: vocab, contextLength: ctx, layers: layers, dModel: dModel, heads: heads, mlpWidth: mlp, metadataVocabSizes: meta)
        let r = try TrainBenchmark.run(config: config, batch: batch, threads: threads, steps: max(1, steps), profile: profile)
        var fields = [
            #""bench":"train""#, #""params":\#(r.parameters)"#, #""threads":\#(r.threads)"#,
            #""tokens_per_step":\#(r.tokensPerStep)"#, #""step_seconds":\#(String(format: "%.4f", r.stepSeconds))"#,
            #""tokens_per_s":\#(String(format: "%.1f", r.tokensPerSecond))"#,
            #""tokens_per_cpu_s":\#(String(format: "%.1f", r.tokensPerCPUSecond))"#, #""loss":\#(String(format: "%.4f", r.finalLoss))"#,
        ]
        fields.append(#""tasks_per_thread":[\#(r.tasksPerThread.map(String.init).joined(separator: ","))]"#)
        if let a = r.allocationsPerStep { fields.append(#""allocations_per_step":\#(a)"#) }
        if profile {
            let shares = r.profile.map { #""\#($0.0)":\#(String(format: "%.4f", $0.1))"# }.joined(separator: ",")
            fields.append(#""profile":{\#(shares)}"#)
        }
        print("{" + fields.joined(separator: ",") + "}")
    }
}
