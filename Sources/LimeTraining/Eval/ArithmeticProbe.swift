import Foundation
import LimeText

/// The arithmetic probe of the ablation: held-out problems such as `37 + 45 =`, answered
/// greedily; a variant with metadata is given the oracle metadata of the answer (tag, UPOS
/// and entity label the annotator assigns to it in the full problem text), the baseline
/// nothing; a `lime+1` model with a metadata head can instead be left to its own head
/// (`MetadataSource.predicted`: no guide).
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
        /// Where the answer's metadata came from: `oracle`, `predicted` (the head) or `none`
        /// (the baseline).
        public var metadata: String
        /// Per problem, in file order, whether the answer was exact (for paired comparisons
        /// of variants on the same problems).
        public var outcomes: [Bool]
        enum CodingKeys: String, CodingKey {
            case problems, correct, accuracy, oracleMetadata = "oracle_metadata", metadata, outcomes
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

    /// Metadata the annotator gives the words of `answer` after `prompt` (the oracle guide),
    /// one `TAG/UPOS/NER` word each, so that models with any metadata kinds can use it.
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
    /// separated word of the continuation). `source`: `oracle` (the default; the baseline
    /// gets nothing either way) or `predicted` (no guide: a `lime+1` model's head supplies
    /// the metadata, as in unguided generation).
    public static func run(generator: Generator, annotator: Annotator, problems: [Problem],
                           source: MetadataSource = .oracle) throws -> Result {
        let spec = generator.spec
        if source == .predicted {
            guard spec.variant == .limePlus1 && spec.metadataHead else {
                throw TrainerError("the predicted probe needs a lime+1 model with a metadata head (lime train --metadata-head)")
            }
        } else if source != .oracle {
            throw TrainerError("the probe feeds oracle or predicted metadata, not '\(source.rawValue)'")
        }
        let oracle = spec.variant != .baseline && source == .oracle
        var outcomes: [Bool] = []
        for problem in problems {
            var options = Generator.Options()
            options.maxTokens = problem.answer.utf8.count + 3
            if oracle { options.guide = try oracleGuide(problem, annotator: annotator) }
            let (text, _) = try generator.generate(prompt: problem.prompt, options: options)
            let answer = text.split(whereSeparator: { $0.isWhitespace }).first.map(String.init) ?? ""
            outcomes.append(answer == problem.answer)
        }
        let correct = outcomes.filter { $0 }.count
        return Result(problems: problems.count, correct: correct,
                      accuracy: problems.isEmpty ? 0 : Double(correct) / Double(problems.count), oracleMetadata: oracle,
                      metadata: spec.variant == .baseline ? "none" : source.rawValue, outcomes: outcomes)
    }
}
