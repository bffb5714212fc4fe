import Foundation
import LimeText

/// The arithmetic probe of the ablation: held-out problems such as `37 + 45 =`, answered
/// greedily; a variant with metadata is given the oracle tags of the answer (what the
/// annotator assigns to it in the full problem text), the baseline nothing.
public enum ArithmeticProbe {
    /// One held-out problem: the prompt (`37 + 45 =`) and its answer (`82`).
    public struct Problem: Codable, Sendable {
        public var prompt: String
        public var answer: String
    }

    public struct Result: Codable, Sendable {
        public var problems: Int
        public var correct: Int
        public var accuracy: Double
        public var oracleMetadata: Bool
        enum CodingKeys: String, CodingKey {
            case problems, correct, accuracy, oracleMetadata = "oracle_metadata"
        }
    }

    /// Reads problems from JSONL (`{"prompt": ..., "answer": ...}` per line).
    public static func load(_ path: String) throws -> [Problem] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainerError(path: path, "cannot read problems") }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated().map { index, line in
            do {
                return try JSONDecoder().decode(Problem.self, from: Data(line.utf8))
            } catch {
                throw TrainerError(path: path, line: index + 1, "not a {\"prompt\", \"answer\"} line")
            }
        }
    }

    /// Metadata the annotator gives the words of `answer` after `prompt` (the oracle
    /// guide), one `TAG/UPOS/NER` word each: every kind a model may use.
    static func oracleGuide(_ problem: Problem, annotator: Annotator) throws -> [String] {
        let text = problem.prompt + " " + problem.answer
        guard case .success(let tokens) = try annotator.annotate([.text(text)])[0] else {
            throw TrainerError("cannot annotate the problem '\(text)'")
        }
        let start = Int32(problem.prompt.utf8.count)
        return tokens.filter { $0.start >= start && TagSets.tag.label($0.tag) != "_SP" }
            .map { "\(TagSets.tag.label($0.tag))/\(TagSets.pos.label($0.pos))/\(TagSets.ner.label($0.ner))" }
    }

    /// Answers every problem greedily and counts exact answers (the first whitespace
    /// separated word of the continuation).
    public static func run(generator: Generator, annotator: Annotator, problems: [Problem]) throws -> Result {
        let oracle = generator.spec.variant != .baseline
        var correct = 0
        for problem in problems {
            var options = Generator.Options()
            options.maxTokens = problem.answer.utf8.count + 3
            if oracle { options.guide = try oracleGuide(problem, annotator: annotator) }
            let (text, _) = try generator.generate(prompt: problem.prompt, options: options)
            let answer = text.split(whereSeparator: { $0.isWhitespace }).first.map(String.init) ?? ""
            if answer == problem.answer { correct += 1 }
        }
        return Result(problems: problems.count, correct: correct,
                      accuracy: problems.isEmpty ? 0 : Double(correct) / Double(problems.count), oracleMetadata: oracle)
    }
}
