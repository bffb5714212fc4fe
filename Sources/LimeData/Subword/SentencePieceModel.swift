import CSentencePiece
import Foundation
import LimeSupport

/// A SentencePiece failure (load, encode, train), with the library's message.
public struct SentencePieceError: LocatedError {
    public let path: String?, line: Int?, reason: String
    public init(path: String?, line: Int?, reason: String) { (self.path, self.line, self.reason) = (path, line, reason) }
}

/// A loaded SentencePiece model (through the C++ shim), with a byte table for fast,
/// lossless decoding. Encoding is thread-safe: the processor is read-only once loaded.
public final class SentencePieceModel: SubwordTokenizer, @unchecked Sendable {
    private let processor: OpaquePointer
    /// The model file's path and SHA-256 (hex), which identifies it in shards and provenance.
    public let path: String
    public let sha256: String
    public let sha256Bytes: [UInt8]
    public let vocabSize: Int
    /// The bytes each piece stands for: the meta symbol `▁` becomes a space, byte pieces
    /// `<0xNN>` their byte, control and unknown pieces nothing.
    public let pieceBytes: [[UInt8]]
    /// Piece strings as stored in the model.
    public let pieces: [String]
    public var kind: String { "sentencepiece" }
    /// `</s>`, if the model has it (models trained by lime do).
    public let documentSeparatorID: Int32?

    public convenience init(path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SentencePieceError(path: path, "cannot read tokenizer model: \(error.localizedDescription)")
        }
        try self.init(data: data, path: path)
    }

    /// Loads a model from its file bytes; `path` names it in errors and in `path`.
    public init(data: Data, path: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let handle = data.withUnsafeBytes { raw in
            lime_spm_load_bytes(raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, &message)
        }
        guard let handle else {
            let reason = message.map { String(cString: $0) } ?? "unknown error"
            lime_spm_free(message)
            throw SentencePieceError(path: path, "not a SentencePiece model: \(reason)")
        }
        processor = handle
        self.path = path
        sha256Bytes = Hashing.sha256(data)
        sha256 = Hashing.hex(sha256Bytes)
        vocabSize = Int(lime_spm_vocab_size(handle))
        var pieces: [String] = []
        var table: [[UInt8]] = []
        pieces.reserveCapacity(vocabSize)
        table.reserveCapacity(vocabSize)
        for id in 0..<Int32(vocabSize) {
            let piece = String(cString: lime_spm_id_to_piece(handle, id))
            pieces.append(piece)
            table.append(Self.bytes(of: piece, kind: lime_spm_piece_kind(handle, id)))
        }
        self.pieces = pieces
        pieceBytes = table
        documentSeparatorID = pieces.firstIndex(of: "</s>").map { Int32($0) }
    }

    deinit { lime_spm_destroy(processor) }

    private static func bytes(of piece: String, kind: Int32) -> [UInt8] {
        switch kind {
        case 1, 2, 5: return []  // unknown, control, unused
        case 4:  // byte piece <0xNN>
            let hex = piece.dropFirst(3).dropLast()
            return UInt8(hex, radix: 16).map { [$0] } ?? []
        default:
            return Array(piece.replacingOccurrences(of: "\u{2581}", with: " ").utf8)
        }
    }

    /// Encodes UTF-8 bytes into piece ids, appending them to `ids`.
    public func encode(_ bytes: UnsafeRawBufferPointer, into ids: inout [Int32]) throws {
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        var capacity = max(16, bytes.count + 2)
        while true {
            let start = ids.count
            ids.append(contentsOf: repeatElement(0, count: capacity))
            let total = ids.withUnsafeMutableBufferPointer { buffer in
                lime_spm_encode(processor, base, bytes.count, buffer.baseAddress! + start, capacity)
            }
            if total < 0 {
                ids.removeSubrange(start...)
                throw SentencePieceError(path: path, "SentencePiece could not encode \(bytes.count) bytes")
            }
            if Int(total) <= capacity {
                ids.removeSubrange((start + Int(total))...)
                return
            }
            ids.removeSubrange(start...)
            capacity = Int(total)
        }
    }

    /// Encodes UTF-8 bytes and reports the byte span of the input each piece covers.
    public func encodeWithSpans(_ bytes: UnsafeRawBufferPointer) throws -> [(id: Int32, begin: Int, end: Int)] {
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        var capacity = max(16, bytes.count + 2)
        while true {
            var ids = [Int32](repeating: 0, count: capacity)
            var begins = [UInt32](repeating: 0, count: capacity)
            var ends = [UInt32](repeating: 0, count: capacity)
            let total = lime_spm_encode_spans(processor, base, bytes.count, &ids, &begins, &ends, capacity)
            if total < 0 { throw SentencePieceError(path: path, "SentencePiece could not encode \(bytes.count) bytes") }
            if Int(total) <= capacity {
                return (0..<Int(total)).map { (ids[$0], Int(begins[$0]), Int(ends[$0])) }
            }
            capacity = Int(total)
        }
    }

    /// Decodes piece ids with SentencePiece's own decoder.
    public func decodeWithLibrary(_ ids: [Int32]) throws -> String {
        var length = 0
        guard let pointer = ids.withUnsafeBufferPointer({ lime_spm_decode(processor, $0.baseAddress, $0.count, &length) }) else {
            throw SentencePieceError(path: path, "SentencePiece could not decode \(ids.count) ids")
        }
        defer { lime_spm_free(pointer) }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
