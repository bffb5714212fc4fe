import ArgumentParser

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
}
