import Foundation
import LimeCompute
import LimeText
import LimeTransformer

/// Unguided `lime+1` generation: the metadata head supplies the next word's metadata.
extension Generator {
    /// The guide entry for a word whose metadata the head predicts.
    public static let predictedWord = "*"

    /// Metadata (every kind) for a new word starting after `tokens`, chosen like pieces are
    /// (greedy, or sampled with the options' temperature and top-k). It comes from the head
    /// at the position before the last: `lime+1` feeds position `j` the metadata of token
    /// `j + 1`, so that position's inputs (tokens up to it, `own` metadata up to the last
    /// token) are all known, and its head was trained to predict the metadata of the next
    /// word after the last token.
    func predictedMetadata(_ tokens: [Int32], _ own: [[UInt8]], _ options: Options, _ rng: inout Xoshiro256) throws -> [UInt8] {
        guard tokens.count >= 2 else {
            throw TrainerError("the metadata head predicts from the position before the last: give a prompt, or a guide tag for the first word")
        }
        let n = min(tokens.count - 1, model.config.contextLength)
        let batch = Transformer.Batch(
            batch: 1, length: n, tokens: Array(tokens.dropLast().suffix(n)),
            metadata: own.map { $0.dropFirst().suffix(n).map { Int32($0) } })
        _ = try model.nextTokenLogits(batch)
        var ids: [UInt8] = []
        for k in spec.metadata.indices {
            let classes = model.config.metadataVocabSizes[k]
            let row = UnsafeBufferPointer(rebasing: model.metadataLogits(kind: k)[((n - 1) * classes)..<(n * classes)])
            ids.append(MetadataPrediction.choose(row, temperature: options.temperature, topK: options.topK, rng: &rng))
        }
        return ids
    }

    /// `pieces` as words with their metadata labels, e.g. `The/DT dog/NN` (kinds joined by
    /// `|`): a word starts at a word-initial piece or where the metadata changes.
    public func taggedText(tokens pieces: [Int32], metadata: [[UInt8]]) -> String {
        var words: [(text: [UInt8], ids: [UInt8])] = []
        for (i, piece) in pieces.enumerated() {
            let ids = metadata.map { $0[i] }
            if words.isEmpty || startsWord(Int(piece)) || words[words.count - 1].ids != ids {
                words.append(([], ids))
            }
            words[words.count - 1].text += tokenizer.pieceBytes[Int(piece)]
        }
        return words.map { word in
            let text = String(decoding: word.text, as: UTF8.self)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            // Whitespace-only words (tagged `_SP`) stay visible: newline as \n, space as ·.
            let shown = trimmed.isEmpty
                ? text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: " ", with: "·") : trimmed
            let labels = zip(spec.metadata, word.ids).map { $0.tagSet.label($1) }
            return labels.isEmpty ? shown : shown + "/" + labels.joined(separator: "|")
        }.joined(separator: " ")
    }
}
