import ArgumentParser
import Foundation
import LimeSupport
import LimeText

/// `lime pretokenize`: spaCy-compatible pre-tokenization of a JSON-lines file, timed.
struct Pretokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Split documents ({\"text\": ...} per line) into spaCy-compatible tokens.")

    @Option(help: "JSON-lines input, one {\"text\": ...} object per line.") var input: String
    @Option(help: "Where to write one [[start,end],...] line of UTF-8 byte spans per document.") var output: String?
    @Option(help: "Timed passes over the input (the fastest is reported).") var repeats: Int = 1

    func validate() throws {
        guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
    }

    func run() throws {
        let r = try PretokenizeFileRun.run(input: input, output: output, repeats: repeats)
        print(JSONLine.encode(Line(documents: r.documents, bytes: r.bytes, tokens: r.tokens, seconds: r.seconds,
                                   cpuSeconds: r.cpuSeconds, tokensPerSecond: r.tokensPerSecond)))
    }

    /// The line `pretokenize` prints (read by Pipelines/bench/pretokenize_bench.py).
    struct Line: Encodable {
        var documents, bytes, tokens: Int
        var seconds, cpuSeconds, tokensPerSecond: Double
        enum CodingKeys: String, CodingKey {
            case documents, bytes, tokens, seconds
            case cpuSeconds = "cpu_seconds", tokensPerSecond = "tokens_per_second"
        }
    }
}
