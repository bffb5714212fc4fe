import Foundation
import LimeSupport

/// One timing of `HFTokenizer` over a corpus (for `lime tokenizer encode-bench` and
/// `Pipelines/bench/bench_hf_tokenizer.py`).
public struct HFTokenizerBenchmark: Sendable, Encodable {
    public let documents: Int
    public let bytes: Int
    public let tokens: Int
    /// The sum of all ids modulo 2^64: a cheap checksum to compare with `tokenizers`.
    public let idSum: UInt64
    /// Encoding time only (documents are read and parsed before the clock starts).
    public let seconds: Double
    public var tokensPerSecond: Double { Double(tokens) / seconds }

    /// The line `encode-bench` prints, read by the bench script.
    public var jsonLine: String { JSONLine.encode(self) }

    enum CodingKeys: String, CodingKey {
        case documents, bytes, tokens, seconds
        case idSum = "id_sum", tokensPerSecond = "tokens_per_second"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(documents, forKey: .documents)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(idSum, forKey: .idSum)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(tokensPerSecond, forKey: .tokensPerSecond)
    }
}

extension HFTokenizer {
    /// Encodes every document of `input` (`.jsonl` with `textField`, else one document per
    /// non-empty line) once on this thread, with a fresh tokenizer (cold word cache).
    public static func benchmark(tokenizer path: String, input: String, textField: String = "text") throws -> HFTokenizerBenchmark {
        let tokenizer = try HFTokenizer(path: path)
        guard let data = FileManager.default.contents(atPath: input) else {
            throw HFTokenizerError(path: input, "cannot read the benchmark input")
        }
        var documents: [[UInt8]] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if input.hasSuffix(".jsonl") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                      let text = object[textField] as? String else { continue }
                documents.append(Array(text.utf8))
            } else {
                documents.append(Array(line))
            }
        }
        var ids: [Int32] = []
        var tokens = 0, sum: UInt64 = 0
        let clock = ContinuousClock()
        let start = clock.now
        for document in documents {
            ids.removeAll(keepingCapacity: true)
            try document.withUnsafeBytes { try tokenizer.encode($0, into: &ids) }
            tokens += ids.count
            for id in ids { sum &+= UInt64(id) }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return HFTokenizerBenchmark(documents: documents.count, bytes: documents.reduce(0) { $0 + $1.count },
                                    tokens: tokens, idSum: sum, seconds: seconds)
    }
}
