import ArgumentParser

/// The `lime` command: prepares LIME training data and trains models on it.
@main
struct Lime: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lime",
        abstract: "Linguistic metadata embeddings: annotated shards and LIME training.",
        subcommands: [Bench.self, Pretokenize.self]
    )
}
