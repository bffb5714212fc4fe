import Foundation
import LimeText

/// The annotations an input record may carry, so that `lime run` skips pre-tokenizing
/// and annotating it. Two layouts are read:
/// - `lime annotate` output: `tokens` of `{"text", "start", "end", "tag", "pos", "ent"}`
///   with UTF-8 byte offsets and IOB2 entity labels. The document text is the record's
///   text field; without one it is rebuilt from the tokens, each gap a run of spaces.
/// - spaCy's `Doc.to_json()` (recognised by its top-level `ents`): `text`, `tokens` of
///   `{"start", "end", "tag", "pos"}` and `ents` of `{"start", "end", "label"}`, all
///   offsets in characters (Unicode scalars), as Python counts them.
///
/// Every check that the annotator's own output passes applies: offsets within the text,
/// in order, not overlapping and on character boundaries; tags, POS and entity labels
/// known to the tag sets; IOB2 valid. A record failing one is quarantined with the reason.
enum AnnotatedRecord {
    struct Parsed {
        var text: String
        var tokens: [AnnotatedToken]
    }

    /// Parses the annotations of a record; `text` is its text field, if it has one.
    static func parse(_ record: [String: Any], text: String?, textField: String) -> Result<Parsed, Reason> {
        guard let items = record["tokens"] as? [Any] else { return .failure(Reason("field 'tokens' is not an array")) }
        guard !items.isEmpty else { return .failure(Reason("empty document: field 'tokens' is empty")) }
        var objects: [[String: Any]] = []
        objects.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let object = item as? [String: Any] else { return .failure(Reason("token \(index) is not an object")) }
            objects.append(object)
        }
        do {
            if let ents = record["ents"] {
                guard let text else { return .failure(Reason("spaCy JSON without a '\(textField)' field")) }
                return .success(try spacy(objects, ents: ents, text: text))
            }
            return .success(try lime(objects, text: text))
        } catch let reason as Reason {
            return .failure(reason)
        } catch {
            return .failure(Reason("\(error)"))
        }
    }

    /// Why a record's annotations were refused.
    struct Reason: Error, Equatable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    // MARK: - lime annotate layout

    private static func lime(_ objects: [[String: Any]], text given: String?) throws -> Parsed {
        var spans: [(start: Int, end: Int)] = []
        spans.reserveCapacity(objects.count)
        for (index, object) in objects.enumerated() {
            spans.append((try integer(object, "start", token: index), try integer(object, "end", token: index)))
        }
        let text = try given ?? rebuild(objects, spans: spans)
        let bytes = Array(text.utf8)
        var tokens: [AnnotatedToken] = []
        tokens.reserveCapacity(objects.count)
        for (index, object) in objects.enumerated() {
            let (start, end) = spans[index]
            if let surface = object["text"] as? String, given != nil, start >= 0, end <= bytes.count, start <= end,
               Array(surface.utf8) != Array(bytes[start..<end]) {
                throw Reason("token \(index): 'text' \(quoted(surface)) differs from bytes \(start)..<\(end) of the text")
            }
            tokens.append(try token(index, start: start, end: end, object: object, entity: try label(object, "ent", token: index)))
        }
        try checkSpans(tokens, bytes: bytes)
        return Parsed(text: text, tokens: tokens)
    }

    /// The text of a record without one: token surfaces at their offsets, gaps as spaces.
    private static func rebuild(_ objects: [[String: Any]], spans: [(start: Int, end: Int)]) throws -> String {
        var bytes: [UInt8] = []
        for (index, object) in objects.enumerated() {
            guard let surface = object["text"] as? String else {
                throw Reason("token \(index): no 'text', and the record has no text field to take it from")
            }
            let (start, end) = spans[index]
            let utf8 = Array(surface.utf8)
            guard start >= bytes.count, end - start == utf8.count else {
                throw Reason("token \(index): offsets \(start)..<\(end) do not fit its text \(quoted(surface)) after the previous token")
            }
            bytes.append(contentsOf: repeatElement(0x20, count: start - bytes.count))
            bytes.append(contentsOf: utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - spaCy Doc.to_json layout

    private static func spacy(_ objects: [[String: Any]], ents: Any, text: String) throws -> Parsed {
        let byteOffset = scalarByteOffsets(text)
        func bytes(_ character: Int, _ what: String) throws -> Int {
            guard character >= 0, character < byteOffset.count else {
                throw Reason("\(what): character offset \(character) is outside the text (\(byteOffset.count - 1) characters)")
            }
            return byteOffset[character]
        }
        var tokens: [AnnotatedToken] = []
        tokens.reserveCapacity(objects.count)
        for (index, object) in objects.enumerated() {
            let start = try bytes(try integer(object, "start", token: index), "token \(index)")
            let end = try bytes(try integer(object, "end", token: index), "token \(index)")
            tokens.append(try token(index, start: start, end: end, object: object, entity: "O"))
        }
        guard let spans = ents as? [Any] else { throw Reason("field 'ents' is not an array") }
        for (number, item) in spans.enumerated() {
            guard let span = item as? [String: Any], let label = span["label"] as? String else {
                throw Reason("entity \(number): expected an object with 'start', 'end' and 'label'")
            }
            let what = "entity \(number)"
            let start = try bytes(try integer(span, "start", token: number, what: what), what)
            let end = try bytes(try integer(span, "end", token: number, what: what), what)
            guard let begin = TagSets.ner.lookup("B-\(label)"), let inside = TagSets.ner.lookup("I-\(label)") else {
                throw Reason("\(what): unknown entity label '\(label)'")
            }
            let covered = tokens.indices.filter { tokens[$0].start >= start && tokens[$0].end <= end }
            guard let first = covered.first, Int(tokens[first].start) == start, Int(tokens[covered.last!].end) == end else {
                throw Reason("\(what) (\(label)) does not begin and end on token boundaries")
            }
            for (position, index) in covered.enumerated() {
                guard tokens[index].ner == TagSets.ner.id("O") else { throw Reason("\(what) (\(label)) overlaps another entity") }
                tokens[index].ner = position == 0 ? begin : inside
            }
        }
        try checkSpans(tokens, bytes: Array(text.utf8))
        return Parsed(text: text, tokens: tokens)
    }

    /// The UTF-8 byte offset of every Unicode scalar of `text`, plus the text's length.
    private static func scalarByteOffsets(_ text: String) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(text.unicodeScalars.count + 1)
        var offset = 0
        for scalar in text.unicodeScalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        return offsets
    }

    // MARK: - Shared checks

    private static func token(_ index: Int, start: Int, end: Int, object: [String: Any], entity: String) throws -> AnnotatedToken {
        let tag = try label(object, "tag", token: index)
        let pos = try label(object, "pos", token: index)
        guard let tagID = knownID(TagSets.tag, tag) else { throw Reason("token \(index): unknown tag '\(tag)'") }
        guard let posID = knownID(TagSets.pos, pos) else { throw Reason("token \(index): unknown POS '\(pos)'") }
        guard let nerID = knownID(TagSets.ner, entity) else { throw Reason("token \(index): unknown entity label '\(entity)'") }
        guard start >= 0, start < end, end <= Int(Int32.max) else {
            throw Reason("token \(index): offsets \(start)..<\(end) are not a non-empty span")
        }
        return AnnotatedToken(start: Int32(start), end: Int32(end), tag: tagID, pos: posID, ner: nerID)
    }

    /// Offsets within the text, in order, not overlapping, on character boundaries; IOB2 valid.
    private static func checkSpans(_ tokens: [AnnotatedToken], bytes: [UInt8]) throws {
        var previousEnd = 0
        var previousEntity = TagSets.ner.id("O")
        for (index, token) in tokens.enumerated() {
            let start = Int(token.start), end = Int(token.end)
            guard end <= bytes.count else {
                throw Reason("token \(index): offsets \(start)..<\(end) run past the end of the text (\(bytes.count) bytes)")
            }
            guard start >= previousEnd else { throw Reason("token \(index): offsets \(start)..<\(end) overlap the previous token") }
            guard !isContinuation(bytes, start), end == bytes.count || !isContinuation(bytes, end) else {
                throw Reason("token \(index): offsets \(start)..<\(end) split a UTF-8 character")
            }
            let label = TagSets.ner.label(token.ner)
            if label.hasPrefix("I-") {
                let previous = TagSets.ner.label(previousEntity)
                guard previous.dropFirst(2) == label.dropFirst(2), previous.hasPrefix("B-") || previous.hasPrefix("I-") else {
                    throw Reason("token \(index): '\(label)' does not continue an entity of its type (IOB2)")
                }
            }
            previousEnd = end
            previousEntity = token.ner
        }
    }

    private static func isContinuation(_ bytes: [UInt8], _ offset: Int) -> Bool {
        offset < bytes.count && bytes[offset] & 0xC0 == 0x80
    }

    /// The id of a label the tag set defines (not a reserved one such as `<unk>`).
    private static func knownID(_ set: TagSet, _ label: String) -> UInt8? {
        guard let id = set.lookup(label), id > TagSet.separatorID else { return nil }
        return id
    }

    private static func integer(_ object: [String: Any], _ key: String, token index: Int, what: String? = nil) throws -> Int {
        guard let number = object[key] as? NSNumber, let value = Int(exactly: number.doubleValue) else {
            throw Reason("\(what ?? "token \(index)"): '\(key)' is missing or not an integer")
        }
        return value
    }

    private static func label(_ object: [String: Any], _ key: String, token index: Int) throws -> String {
        guard let value = object[key] as? String else { throw Reason("token \(index): '\(key)' is missing or not a string") }
        return value
    }

    private static func quoted(_ text: String) -> String { "'\(text.prefix(40))'" }
}
