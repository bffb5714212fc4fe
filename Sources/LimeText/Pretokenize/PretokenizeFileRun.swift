import Foundation
import LimeCompute

/// Pre-tokenizes a JSON-lines file of documents (`{"text": ...}` per line), timing the
/// tokenization alone, and optionally writes each document's spans as one JSON line
/// (`[[start,end],...]`, UTF-8 byte offsets). Backs `lime pretokenize`.
public enum PretokenizeFileRun {
    /// What one run measured.
    public struct Report: Sendable {
        public var documents: Int
        public var bytes: Int
        public var tokens: Int
        /// The fastest of the timed passes over all documents (wall clock).
        public var seconds: Double
        /// The thread CPU time of the pass with the least of it (robust on a busy machine).
        public var cpuSeconds: Double
        public var tokensPerSecond: Double { Double(tokens) / max(seconds, 1e-9) }
    }

    private struct Line: Decodable { var text: String }

    /// Reads `input`, tokenizes every document `repeats` times, writes spans to `output`.
    public static func run(input: String, output: String?, repeats: Int) throws -> Report {
        let data = try Data(contentsOf: URL(fileURLWithPath: input))
        let decoder = JSONDecoder()
        var documents: [String] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            documents.append(try decoder.decode(Line.self, from: line).text)
        }
        let pretokenizer = Pretokenizer()
        var results: [[TokenSpan]] = []
        var best = Double.infinity, bestCPU = Double.infinity
        for _ in 0..<max(1, repeats) {
            let clock = ContinuousClock()
            let start = clock.now, startCPU = Timing.threadCPU()
            results = documents.map { pretokenizer.tokenize($0) }
            let elapsed = clock.now - start
            bestCPU = min(bestCPU, Timing.threadCPU() - startCPU)
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        if let output {
            var text = ""
            for spans in results {
                text += "["
                text += spans.map { "[\($0.start),\($0.end)]" }.joined(separator: ",")
                text += "]\n"
            }
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        }
        return Report(documents: documents.count, bytes: documents.reduce(0) { $0 + $1.utf8.count },
                      tokens: results.reduce(0) { $0 + $1.count }, seconds: best, cpuSeconds: bestCPU)
    }
}
