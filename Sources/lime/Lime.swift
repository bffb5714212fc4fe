import ArgumentParser
import Foundation

/// The `lime` command: prepares LIME training data and trains models on it.
@main
struct Lime: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lime",
        abstract: "Linguistic metadata embeddings: annotated shards and LIME training.",
        subcommands: [
            Run.self, Merge.self, Status.self, Verify.self, Inspect.self, Export.self, Annotate.self, Tokenizer.self, Probe.self, Schema.self, Bench.self, Pretokenize.self, Tagger.self, Train.self, Eval.self, Generate.self, View.self,
        ]
    )

    static func main() {
        // A write past a file-size limit (`ulimit -f`) then fails with EFBIG, reported as an
        // error naming the file, instead of killing the process with SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
