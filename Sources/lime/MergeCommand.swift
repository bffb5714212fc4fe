import ArgumentParser
import LimeData

/// `lime merge`: one dataset from the outputs of partitioned runs.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the outputs of `lime run --partition I/N` into one verified dataset.")

    @Argument(help: "The partition output directories (all N of them).")
    var directories: [String]
    @Option(name: .long, help: "New output directory.")
    var output: String

    func run() throws {
        let summary = try DatasetMerge.merge(directories, into: output)
        let report = try DatasetVerifier.verify(directory: output)
        guard report.ok else {
            for problem in report.problems { print("error: \(problem)") }
            throw ExitCode(1)
        }
        print("lime merge: \(summary.partitions) partitions -> \(output): \(summary.shards) shards, \(summary.documents) documents, \(summary.tokens) tokens (verified)")
    }
}
