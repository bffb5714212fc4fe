import Foundation
import LimeSupport
import LimeText

/// The annotate stage's output for one work unit: every document the unit kept after
/// reading, with its text and its tokens (UTF-8 byte offsets, tag, POS and NER ids), and
/// the documents the annotator refused, with the reason. A rerun with another tokenizer
/// re-aligns and re-packs from it without annotating again. Layout (little-endian),
/// described in `Schemas/annotation-format.md`:
///
///     "LIMEANN1" | u32 version | u32 input | u32 ordinal | string annotator fingerprint
///     | 32 bytes SHA-256 of the unit's input lines | u64 payload size
///     | 32 bytes SHA-256 of the compressed payload | zstd payload
///
/// Deterministic: the same unit annotated by the same annotator gives the same bytes.
public struct AnnotationFile: Equatable, Sendable {
    public static let magic = Array("LIMEANN1".utf8)
    public static let version: UInt32 = 1

    /// One document of the unit, as the annotate stage left it.
    public struct Document: Equatable, Sendable {
        public var id: String
        public var line: Int
        public var byteOffset: Int64
        public var text: String
        /// The tokens, or nil when the annotator refused the document.
        public var tokens: [AnnotatedToken]?
        /// Why the annotator refused it (empty when annotated).
        public var failure: String
        /// Whether the tokens came with the input rather than from the annotator.
        public var fromInput: Bool

        public init(id: String, line: Int, byteOffset: Int64, text: String, tokens: [AnnotatedToken]?,
                    failure: String = "", fromInput: Bool = false) {
            self.id = id
            self.line = line
            self.byteOffset = byteOffset
            self.text = text
            self.tokens = tokens
            self.failure = failure
            self.fromInput = fromInput
        }
    }

    public var key: UnitKey
    /// `key=value;...` of the annotator's fingerprint, sorted by key.
    public var fingerprint: String
    /// SHA-256 of the unit's input lines (see `WorkUnit.inputSHA256`).
    public var inputSHA256: [UInt8]
    public var documents: [Document]

    public init(key: UnitKey, fingerprint: String, inputSHA256: [UInt8], documents: [Document]) {
        self.key = key
        self.fingerprint = fingerprint
        self.inputSHA256 = inputSHA256
        self.documents = documents
    }

    /// The file's bytes.
    public func serialize(zstdLevel: Int32 = 3) throws -> [UInt8] {
        var payload = ByteWriter(capacity: documents.reduce(64) { $0 + $1.text.utf8.count + 12 * ($1.tokens?.count ?? 0) + 64 })
        payload.write(UInt32(documents.count))
        for document in documents {
            payload.write(string: document.id)
            payload.write(UInt64(document.line))
            payload.write(document.byteOffset)
            payload.write(string: document.text)
            payload.write(UInt8((document.tokens == nil ? 0 : 1) | (document.fromInput ? 2 : 0)))
            payload.write(string: document.failure)
            let tokens = document.tokens ?? []
            payload.write(UInt32(tokens.count))
            for token in tokens {
                payload.write(token.start)
                payload.write(token.end)
                payload.write(token.tag)
                payload.write(token.pos)
                payload.write(token.ner)
            }
        }
        let compressed = try Zstd.compress(payload.bytes, level: zstdLevel)
        var out = ByteWriter(capacity: compressed.count + 128)
        out.write(bytes: Self.magic)
        out.write(Self.version)
        out.write(UInt32(key.input))
        out.write(UInt32(key.ordinal))
        out.write(string: fingerprint)
        out.write(bytes: inputSHA256)
        out.write(UInt64(payload.bytes.count))
        out.write(bytes: Hashing.sha256(compressed))
        out.write(bytes: compressed)
        return out.bytes
    }

    /// Reads a file's bytes; `path` names it in errors. Checks the magic, the version and
    /// the payload's checksum, and that every token lies within its document's text.
    public init(bytes: [UInt8], path: String) throws {
        func fail(_ reason: String) -> AnnotationFileError { AnnotationFileError(path: path, reason) }
        var reader = ByteReader(bytes)
        do {
            guard Array(try reader.read(count: 8)) == Self.magic else { throw fail("not a lime annotation file (bad magic)") }
            let version = try reader.read(UInt32.self)
            guard version == Self.version else { throw fail("annotation format version \(version) is not supported (expected \(Self.version))") }
            key = UnitKey(input: Int(try reader.read(UInt32.self)), ordinal: Int(try reader.read(UInt32.self)))
            fingerprint = try reader.readString()
            inputSHA256 = Array(try reader.read(count: 32))
            let payloadSize = try reader.read(UInt64.self)
            let checksum = Array(try reader.read(count: 32))
            let compressed = Array(try reader.read(count: reader.remaining))
            guard Hashing.sha256(compressed) == checksum else { throw fail("payload checksum mismatch (the file is corrupt)") }
            guard payloadSize <= UInt64(Int32.max) else { throw fail("payload size \(payloadSize) is implausible") }
            let payload = try compressed.withUnsafeBytes { try Zstd.decompress($0, expectedSize: Int(payloadSize)) }
            guard payload.count == Int(payloadSize) else { throw fail("payload is \(payload.count) bytes, header says \(payloadSize)") }
            documents = try Self.readDocuments(payload, fail: fail)
        } catch let error as AnnotationFileError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }

    private static func readDocuments(_ payload: [UInt8], fail: (String) -> AnnotationFileError) throws -> [Document] {
        var reader = ByteReader(payload)
        let count = Int(try reader.read(UInt32.self))
        guard count <= payload.count else { throw fail("document count \(count) exceeds the payload") }
        var documents: [Document] = []
        documents.reserveCapacity(count)
        for index in 0..<count {
            let id = try reader.readString()
            let line = try reader.read(UInt64.self)
            let byteOffset = try reader.read(Int64.self)
            let text = try reader.readString()
            let flags = try reader.read(UInt8.self)
            let failure = try reader.readString()
            let tokenCount = Int(try reader.read(UInt32.self))
            guard tokenCount * 11 <= reader.remaining, line <= UInt64(Int.max) else {
                throw fail("document \(index): \(tokenCount) tokens exceed the payload")
            }
            let textBytes = text.utf8.count
            var tokens: [AnnotatedToken] = []
            tokens.reserveCapacity(tokenCount)
            for _ in 0..<tokenCount {
                let token = AnnotatedToken(start: try reader.read(Int32.self), end: try reader.read(Int32.self),
                                           tag: try reader.read(UInt8.self), pos: try reader.read(UInt8.self),
                                           ner: try reader.read(UInt8.self))
                guard token.start >= 0, token.start <= token.end, Int(token.end) <= textBytes else {
                    throw fail("document \(index): token \(token.start)..<\(token.end) outside its text (\(textBytes) bytes)")
                }
                tokens.append(token)
            }
            documents.append(Document(id: id, line: Int(line), byteOffset: byteOffset, text: text,
                                      tokens: flags & 1 == 1 ? tokens : nil, failure: failure, fromInput: flags & 2 == 2))
        }
        guard reader.remaining == 0 else { throw fail("\(reader.remaining) bytes after the last document") }
        return documents
    }

    /// The file name of a unit's annotations.
    public static func fileName(_ key: UnitKey) -> String {
        String(format: "annotations-%05d-%06d.lann", key.input, key.ordinal)
    }
}

/// A corrupt, truncated or foreign annotation file.
public struct AnnotationFileError: LocatedError {
    public let path: String?, line: Int?, reason: String
    public init(path: String?, line: Int?, reason: String) { (self.path, self.line, self.reason) = (path, line, reason) }
}
