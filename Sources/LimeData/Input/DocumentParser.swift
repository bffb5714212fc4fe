import Foundation
import LimeText

/// A parsed input document.
public struct InputDocument: Sendable {
    public var id: String
    public var line: Int
    public var byteOffset: Int64
    /// Raw text, or pre-tokenized words (`"tokens": [...]` in JSONL input).
    public var content: AnnotatorDocument
    /// Tokens with tags the input already carried (`lime annotate` or spaCy JSON), which
    /// the pipeline keeps instead of annotating; nil for a document to annotate.
    public var annotations: [AnnotatedToken]? = nil
}



/// A record that could not become a document, with where it is and why.
public struct QuarantinedRecord: Error, Sendable, Equatable {
    public var path: String
    public var line: Int
    public var byteOffset: Int64
    public var stage: String
    public var reason: String
    /// The first bytes of the record (lossily decoded), to help find it.
    public var excerpt: String

    public init(path: String, line: Int, byteOffset: Int64, stage: String, reason: String, excerpt: String) {
        self.path = path
        self.line = line
        self.byteOffset = byteOffset
        self.stage = stage
        self.reason = reason
        self.excerpt = excerpt
    }
}

/// Turns raw lines into documents: validates UTF-8, parses JSON, extracts the text
/// (or `tokens`) and id fields, rejects empty documents.
public struct DocumentParser: Sendable {
    public var textField: String
    public var idField: String
    /// Accept `"tokens": [strings]` in place of text.
    public var allowTokens: Bool
    /// Accept annotated records (`"tokens": [objects]`, see `AnnotatedRecord`).
    public var acceptAnnotations: Bool

    public init(textField: String = "text", idField: String = "id", allowTokens: Bool = false,
                acceptAnnotations: Bool = false) {
        self.textField = textField
        self.idField = idField
        self.allowTokens = allowTokens
        self.acceptAnnotations = acceptAnnotations
    }

    public func parse(_ record: RawRecord, file: InputFile) -> Result<InputDocument, QuarantinedRecord> {
        func reject(_ reason: String) -> Result<InputDocument, QuarantinedRecord> {
            .failure(QuarantinedRecord(
                path: file.path, line: record.line, byteOffset: record.byteOffset, stage: UnitStage.read.rawValue,
                reason: reason, excerpt: Self.excerpt(record.bytes)))
        }
        if let error = record.readError { return reject(error) }
        if let bad = Self.firstInvalidUTF8(record.bytes) {
            return reject("invalid UTF-8 at byte \(bad) of the record")
        }
        let defaultID = "\((file.path as NSString).lastPathComponent):\(record.line)"
        switch file.format {
        case .text:
            let text = String(decoding: record.bytes, as: UTF8.self)
            if text.allSatisfy(\.isWhitespace) { return reject("empty document") }
            return .success(InputDocument(id: defaultID, line: record.line, byteOffset: record.byteOffset, content: .text(text)))
        case .jsonl:
            if record.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return reject("empty line") }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(Self.escapingInnerBOMs(record.bytes)), options: [.fragmentsAllowed])
            } catch {
                return reject("invalid JSON: \(Self.describe(error))")
            }
            guard let dictionary = object as? [String: Any] else { return reject("invalid JSON: not an object") }
            let id: String
            switch dictionary[idField] {
            case nil, is NSNull: id = defaultID
            case let value as String: id = value
            case let value as NSNumber: id = value.stringValue
            default: return reject("field '\(idField)' is neither a string nor a number")
            }
            if acceptAnnotations, let tokens = dictionary["tokens"] as? [Any], tokens.first is [String: Any] {
                let text = dictionary[textField]
                if let text, !(text is String) { return reject("field '\(textField)' is not a string") }
                switch AnnotatedRecord.parse(dictionary, text: text as? String, textField: textField) {
                case .success(let parsed):
                    return .success(InputDocument(id: id, line: record.line, byteOffset: record.byteOffset,
                                                  content: .text(parsed.text), annotations: parsed.tokens))
                case .failure(let reason):
                    return reject("annotated record: \(reason.message)")
                }
            }
            if let value = dictionary[textField] {
                guard let text = value as? String else { return reject("field '\(textField)' is not a string") }
                if text.allSatisfy(\.isWhitespace) { return reject("empty document: field '\(textField)' is empty") }
                return .success(InputDocument(id: id, line: record.line, byteOffset: record.byteOffset, content: .text(text)))
            }
            if allowTokens, let value = dictionary["tokens"] {
                guard let words = value as? [String] else { return reject("field 'tokens' is not an array of strings") }
                if words.isEmpty { return reject("empty document: field 'tokens' is empty") }
                if let bad = words.firstIndex(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
                    return reject("field 'tokens': token \(bad) is empty or contains whitespace")
                }
                return .success(InputDocument(id: id, line: record.line, byteOffset: record.byteOffset, content: .words(words)))
            }
            return reject("missing text field '\(textField)'")
        }
    }

    /// Index of the first byte that breaks UTF-8 validity, or nil if the bytes are valid.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            if byte & 0xE0 == 0xC0 { length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F) }
            else if byte & 0xF0 == 0xE0 { length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F) }
            else if byte & 0xF8 == 0xF0 { length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07) }
            else { return index }
            if index + length > count { return index }
            for k in 1..<length {
                let next = bytes[index + k]
                if next & 0xC0 != 0x80 { return index }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            index += length
        }
        return nil
    }

    /// The record with every U+FEFF after its first byte written as the escape `\ufeff`:
    /// Foundation's JSONSerialization drops a raw U+FEFF that opens a string value, which
    /// would lose three bytes of such a document's text. (A U+FEFF opening the line is an
    /// encoding mark and is left for the parser to skip.)
    static func escapingInnerBOMs(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count > 3, bytes.dropFirst().contains(0xEF) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            if index > 0, bytes[index] == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF {
                out.append(contentsOf: Array("\\ufeff".utf8))
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    static func excerpt(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(120), as: UTF8.self)
    }

    private static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return nsError.localizedDescription
    }
}
