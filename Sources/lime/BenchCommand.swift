import ArgumentParser
import Foundation
import LimeTrain

/// `lime bench`: measures the trainer's kernels and training throughput.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark the trainer: matrix multiply GFLOP/s and training tokens/s.",
        subcommands: [BenchMatmul.self]
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

    func validate() throws {
        guard m > 0, k > 0, n > 0 else { throw ValidationError("M, K and N must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        let r = MatmulBenchmark.run(m: m, k: k, n: n, threads: threads, repeats: repeats)
        print(#"{"bench":"matmul","m":\#(m),"k":\#(k),"n":\#(n),"threads":\#(r.threads),"seconds":\#(String(format: "%.6f", r.seconds)),"gflops":\#(String(format: "%.2f", r.gflops))}"#)
    }
}
