import Foundation

/// One entry of `added_tokens`: matched in the raw text before pre-tokenization.
struct HFAddedToken {
    let id: Int32
    let content: String
    let special: Bool
    let singleWord: Bool
    let lstrip: Bool
    let rstrip: Bool
}

/// The parts of a `tokenizer.json` that lime supports, validated: a byte-level BPE model,
/// no normalizer or NFC, ByteLevel (or Split + ByteLevel) pre-tokenization, added tokens.
/// Anything else is refused by name, so a file is never silently encoded differently.
struct HFTokenizerFile {
    var vocab: [(token: String, id: Int32)] = []
    /// Merges in rank order, as (left, right) token strings.
    var merges: [(String, String)] = []
    var ignoreMerges = false
    var unkToken: String?
    var fuseUnk = false
    var nfc = false
    /// Prepend a space to each text segment that does not start with one.
    var addPrefixSpace = false
    /// The split patterns applied in order (each piece of one is split by the next).
    var patterns: [PreTokenizerPattern] = []
    var addedTokens: [HFAddedToken] = []

    /// Content detection: a JSON object with a "model" key.
    static func looksLikeTokenizerJSON(_ data: Data) -> Bool {
        guard let first = data.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }),
              first == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["model"] is [String: Any]
    }

    init(data: Data, path: String) throws {
        func fail(_ reason: String) -> HFTokenizerError { HFTokenizerError(path: path, reason) }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw fail("not valid JSON: \(error.localizedDescription)")
        }
        guard let root = parsed as? [String: Any] else { throw fail("not a tokenizer.json (the top level is not a JSON object)") }
        guard let model = root["model"] as? [String: Any] else { throw fail("not a tokenizer.json (no \"model\" object)") }

        let type = model["type"] as? String ?? (model["merges"] != nil ? "BPE" : "unknown")
        guard type == "BPE" else {
            throw fail("tokenizer.json model type \(type) is not supported; lime reads byte-level BPE tokenizers (GPT-2, Llama 3, Qwen style) only")
        }
        try parseModel(model, fail)
        try parseNormalizer(root["normalizer"], fail)
        try parsePreTokenizer(root["pre_tokenizer"], fail)
        try parseAddedTokens(root["added_tokens"], fail)
        try checkIDRange(fail)
    }

    /// The vocabulary is a table indexed by id: ids far beyond the number of entries (which
    /// real files never have) would make it huge, so they are refused.
    private func checkIDRange(_ fail: (String) -> HFTokenizerError) throws {
        let largest = max(vocab.last?.id ?? -1, addedTokens.map(\.id).max() ?? -1)
        let limit = 2 * (vocab.count + addedTokens.count) + 1024
        guard Int(largest) < limit else {
            throw fail("token id \(largest) is implausibly large for \(vocab.count + addedTokens.count) tokens (ids must stay below \(limit))")
        }
    }

    private mutating func parseModel(_ model: [String: Any], _ fail: (String) -> HFTokenizerError) throws {
        guard let vocabObject = model["vocab"] as? [String: Any] else { throw fail("BPE model has no \"vocab\" object") }
        vocab.reserveCapacity(vocabObject.count)
        for (token, value) in vocabObject {
            guard let number = value as? NSNumber, number.int64Value >= 0, number.int64Value < Int64(Int32.max) else {
                throw fail("BPE vocab entry \(token.debugDescription) has no valid id")
            }
            vocab.append((token, Int32(number.int64Value)))
        }
        vocab.sort { $0.id < $1.id }
        guard let mergeList = model["merges"] as? [Any] else { throw fail("BPE model has no \"merges\" array") }
        merges.reserveCapacity(mergeList.count)
        for (index, merge) in mergeList.enumerated() {
            if let text = merge as? String {
                let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw fail("BPE merge \(index) \(text.debugDescription) is not two tokens separated by a space") }
                merges.append((String(parts[0]), String(parts[1])))
            } else if let pair = merge as? [Any], pair.count == 2, let left = pair[0] as? String, let right = pair[1] as? String {
                merges.append((left, right))
            } else {
                throw fail("BPE merge \(index) is neither \"a b\" nor [a, b]")
            }
        }
        ignoreMerges = model["ignore_merges"] as? Bool ?? false
        unkToken = model["unk_token"] as? String
        fuseUnk = model["fuse_unk"] as? Bool ?? false
        if let dropout = model["dropout"] as? NSNumber, dropout.doubleValue != 0 {
            throw fail("BPE dropout \(dropout) is not supported (encoding must be deterministic)")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key] as? String, !value.isEmpty {
                throw fail("BPE \(key) \(value.debugDescription) is not supported (byte-level BPE does not use it)")
            }
        }
        if model["byte_fallback"] as? Bool == true {
            let present = Set(vocab.map(\.token))
            if !ByteLevel.byteToScalar.allSatisfy({ present.contains(String($0)) }) {
                throw fail("BPE byte_fallback with a vocabulary lacking some of the 256 byte-level characters is not supported")
            }
        }
    }

    private mutating func parseNormalizer(_ value: Any?, _ fail: (String) -> HFTokenizerError) throws {
        guard let value, !(value is NSNull) else { return }
        guard let object = value as? [String: Any], let type = object["type"] as? String else {
            throw fail("normalizer is not an object with a \"type\"")
        }
        switch type {
        case "NFC": nfc = true
        case "Sequence":
            for item in object["normalizers"] as? [Any] ?? [] { try parseNormalizer(item, fail) }
        default:
            throw fail("normalizer \(type) is not supported; lime supports no normalizer or NFC")
        }
    }

    private mutating func parsePreTokenizer(_ value: Any?, _ fail: (String) -> HFTokenizerError) throws {
        guard let value, !(value is NSNull) else {
            throw fail("no pre_tokenizer: lime supports byte-level BPE, which needs a ByteLevel pre-tokenizer")
        }
        var steps: [[String: Any]] = []
        guard let object = value as? [String: Any], let type = object["type"] as? String else {
            throw fail("pre_tokenizer is not an object with a \"type\"")
        }
        if type == "Sequence" {
            for item in object["pretokenizers"] as? [Any] ?? [] {
                guard let step = item as? [String: Any] else { throw fail("pre_tokenizer Sequence has a non-object step") }
                steps.append(step)
            }
        } else {
            steps = [object]
        }
        var sawByteLevel = false
        for (index, step) in steps.enumerated() {
            let stepType = step["type"] as? String ?? "(no type)"
            switch stepType {
            case "ByteLevel":
                guard !sawByteLevel else { throw fail("pre_tokenizer has two ByteLevel steps") }
                sawByteLevel = true
                if step["add_prefix_space"] as? Bool ?? true {
                    guard index == 0 else {
                        throw fail("ByteLevel add_prefix_space after a Split is not supported (it would prefix every piece)")
                    }
                    addPrefixSpace = true
                }
                if step["use_regex"] as? Bool ?? true { patterns.append(.gpt2) }
            case "Split":
                guard !sawByteLevel else { throw fail("pre_tokenizer Split after ByteLevel is not supported") }
                let behavior = step["behavior"] as? String ?? "?"
                guard behavior == "Isolated" else { throw fail("pre_tokenizer Split behavior \(behavior) is not supported (only Isolated)") }
                guard step["invert"] as? Bool != true else { throw fail("pre_tokenizer Split with invert is not supported") }
                guard let pattern = step["pattern"] as? [String: Any], let regex = pattern["Regex"] as? String else {
                    throw fail("pre_tokenizer Split with a String pattern is not supported (only the known Regex patterns)")
                }
                guard let known = PreTokenizerPattern(regex: regex) else {
                    throw fail("pre_tokenizer Split pattern \(regex.debugDescription) is not supported; lime implements the GPT-2, Llama 3 and Qwen 2 patterns natively")
                }
                patterns.append(known)
            default:
                throw fail("pre_tokenizer \(stepType) is not supported; lime supports ByteLevel, optionally after a Split with a known pattern")
            }
        }
        guard sawByteLevel else { throw fail("pre_tokenizer has no ByteLevel step: lime supports byte-level BPE only") }
    }

    private mutating func parseAddedTokens(_ value: Any?, _ fail: (String) -> HFTokenizerError) throws {
        guard let list = value as? [Any] else { return }
        for item in list {
            guard let object = item as? [String: Any], let number = object["id"] as? NSNumber,
                  let content = object["content"] as? String, !content.isEmpty else {
                throw fail("added_tokens has an entry without an id and a non-empty content")
            }
            guard number.int64Value >= 0, number.int64Value < Int64(Int32.max) else {
                throw fail("added token \(content.debugDescription) has an invalid id \(number)")
            }
            let id = Int32(number.int64Value)
            addedTokens.append(HFAddedToken(
                id: id, content: content, special: object["special"] as? Bool ?? false,
                singleWord: object["single_word"] as? Bool ?? false,
                lstrip: object["lstrip"] as? Bool ?? false, rstrip: object["rstrip"] as? Bool ?? false))
        }
    }
}
