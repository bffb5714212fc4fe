import ArgumentParser
import Foundation
import LimeData
import LimeSupport
import LimeTraining

/// `lime probe`: answer accuracy on held-out arithmetic problems.
struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Arithmetic probe: answer accuracy on held-out problems (oracle metadata for LIME variants).")

    @Option(help: "Run directory holding checkpoint.lime.") var checkpoint: String
    @Option(help: "Problems, JSONL: {\"prompt\": \"37 + 45 =\", \"answer\": \"82\"} per line.") var problems: String
    @Option(help: "Write the result as JSON to this file.") var json: String?
    @Option(help: "Metadata of the answer: oracle (the annotator's, default) or predicted (a lime+1 model's own head, no guide).")
    var metadata: MetadataSource = .oracle

    func validate() throws {
        if metadata == .none { throw ValidationError("unknown --metadata 'none' (oracle or predicted)") }
    }

    func run() throws {
        let generator = try Generator(run: checkpoint) { try dataAnnotator(spec: $0) }
        let result = try ArithmeticProbe.run(generator: generator, annotator: generator.annotator, problems: try ArithmeticProbe.load(problems),
                                             source: metadata)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line = String(decoding: try encoder.encode(result), as: UTF8.self)
        if let json { try AtomicFile.write(line + "\n", to: json) }
        print(line)
    }
}
