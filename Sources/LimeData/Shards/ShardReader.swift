import Foundation
import LimeSupport

/// A shard that fails an integrity check, naming the file and the problem.
public struct ShardError: LocatedError {
    public let path: String?, line: Int?, reason: String
    public init(path: String?, line: Int?, reason: String) { (self.path, self.line, self.reason) = (path, line, reason) }
}

/// Reads a shard file: header, section table, and any section on demand, checking
/// each section's SHA-256 before decompressing it.
public struct ShardReader: Sendable {
    public struct SectionEntry: Sendable {
        public var kind: UInt32
        public var elementSize: Int
        public var count: Int
        public var offset: Int
        public var length: Int
        public var sha256: [UInt8]
    }

    public let path: String
    public let bytes: [UInt8]
    public let version: UInt32
    public let tokensAreU32: Bool
    public let documentCount: Int
    public let tokenCount: Int
    public let tokenizerSHA256: [UInt8]
    public let tagsetSHA256: [UInt8]
    public let vocabSize: Int
    public let sections: [SectionEntry]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShardError(path: path, "cannot read file")
        }
        try self.init(path: path, bytes: [UInt8](data))
    }

    public init(path: String, bytes: [UInt8]) throws {
        self.path = path
        self.bytes = bytes
        func fail(_ reason: String) -> ShardError { ShardError(path: path, reason) }
        guard bytes.count >= ShardFormat.headerSize else {
            throw fail("truncated: \(bytes.count) bytes, shorter than the \(ShardFormat.headerSize)-byte header")
        }
        guard Array(bytes[0..<8]) == ShardFormat.magic else { throw fail("bad magic: not a lime shard") }
        let checksum = Array(Hashing.sha256(bytes[0..<120]).prefix(8))
        guard checksum == Array(bytes[120..<128]) else { throw fail("header checksum mismatch") }
        var reader = ByteReader(bytes, offset: 8)
        do {
            version = try reader.read(UInt32.self)
            guard version == ShardFormat.version else { throw fail("unsupported format version \(version)") }
            tokensAreU32 = try reader.read(UInt32.self) & ShardFormat.flagTokensU32 != 0
            // Counts are bounded by what the file can hold (at least one byte per token
            // compressed 1:65536 would still be far below this), so arithmetic on them cannot overflow.
            let countLimit = Int(UInt32.max) * 64
            documentCount = try reader.readCount(UInt64.self, limit: countLimit, what: "document count")
            tokenCount = try reader.readCount(UInt64.self, limit: countLimit, what: "token count")
            tokenizerSHA256 = Array(try reader.read(count: 32))
            tagsetSHA256 = Array(try reader.read(count: 32))
            let sectionCount = try reader.readCount(UInt32.self, what: "section count")
            vocabSize = try reader.readCount(UInt32.self, what: "vocabulary size")
            reader.offset = ShardFormat.headerSize
            guard sectionCount <= 64 else { throw fail("implausible section count \(sectionCount)") }
            var sections: [SectionEntry] = []
            for _ in 0..<sectionCount {
                let entry = SectionEntry(
                    kind: try reader.read(UInt32.self),
                    elementSize: try reader.readCount(UInt32.self, limit: 8, what: "element size"),
                    count: try reader.readCount(UInt64.self, limit: Int(UInt32.max) * 64, what: "element count"),
                    offset: try reader.readCount(UInt64.self, what: "section offset"),
                    length: try reader.readCount(UInt64.self, what: "section length"),
                    sha256: Array(try reader.read(count: 32)))
                guard entry.offset <= bytes.count, entry.length <= bytes.count - entry.offset else {
                    throw fail("truncated: section \(entry.kind) extends past the end of the file")
                }
                sections.append(entry)
            }
            self.sections = sections
        } catch let error as ShardError {
            throw error
        } catch {
            throw fail("truncated: \(error)")
        }
    }

    public func entry(_ section: ShardFormat.Section) throws -> SectionEntry {
        guard let entry = sections.first(where: { $0.kind == section.rawValue }) else {
            throw ShardError(path: path, "missing section \(section.name)")
        }
        return entry
    }

    /// The raw decompressed bytes of a section, after checking its checksum and size.
    public func sectionBytes(_ section: ShardFormat.Section) throws -> [UInt8] {
        let entry = try entry(section)
        let payload = bytes[entry.offset..<entry.offset + entry.length]
        guard Hashing.sha256(payload) == entry.sha256 else {
            throw ShardError(path: path, "checksum mismatch in section \(section.name)")
        }
        do {
            return try payload.withUnsafeBytes {
                try Zstd.decompress($0, expectedSize: entry.count * entry.elementSize)
            }
        } catch {
            throw ShardError(path: path, "section \(section.name) does not decompress to its size: \(error)")
        }
    }

    /// The decompressed bytes of a section holding `count` elements of `width` bytes.
    func sectionBytes(_ section: ShardFormat.Section, count: Int, width: Int) throws -> [UInt8] {
        let raw = try sectionBytes(section)
        guard raw.count == count * width else {
            throw ShardError(path: path, "section \(section.name) holds \(raw.count) bytes, expected \(count) elements of \(width) bytes")
        }
        return raw
    }

    public func tokens() throws -> [UInt32] {
        let raw = try sectionBytes(.tokens, count: tokenCount, width: tokensAreU32 ? 4 : 2)
        if tokensAreU32 {
            return raw.withUnsafeBytes { buffer in (0..<tokenCount).map { UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) } }
        }
        return raw.withUnsafeBytes { buffer in (0..<tokenCount).map { UInt32(UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) } }
    }

    public func documentOffsets() throws -> [Int] {
        let raw = try sectionBytes(.docOffsets, count: documentCount + 1, width: 8)
        return try raw.withUnsafeBytes { buffer in
            try (0..<(documentCount + 1)).map {
                let value = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))
                guard let offset = Int(exactly: value), offset <= tokenCount else {
                    throw ShardError(path: path, "doc_offsets entry \($0) is \(value), past the \(tokenCount) tokens")
                }
                return offset
            }
        }
    }

    public func documentIDs() throws -> [String] {
        let raw = try sectionBytes(.docIDs)
        var ids = raw.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if ids.last == "" { ids.removeLast() }
        return ids
    }

    /// All documents of the shard, decoded.
    public func documents() throws -> [AlignedDocument] {
        let tokens = try tokens()
        let tag = try sectionBytes(.tag, count: tokenCount, width: 1)
        let pos = try sectionBytes(.pos, count: tokenCount, width: 1)
        let ner = try sectionBytes(.ner, count: tokenCount, width: 1)
        let wordStart = try sectionBytes(.wordStart, count: tokenCount, width: 1)
        let offsets = try documentOffsets()
        guard zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw ShardError(path: path, "doc_offsets are not non-decreasing")
        }
        let ids = try documentIDs()
        return (0..<documentCount).map { index in
            let range = offsets[index]..<offsets[index + 1]
            var document = AlignedDocument(id: index < ids.count ? ids[index] : "")
            document.tokens = Array(tokens[range])
            document.tag = Array(tag[range])
            document.pos = Array(pos[range])
            document.ner = Array(ner[range])
            document.wordStart = Array(wordStart[range])
            return document
        }
    }

    /// Checks every section's checksum and size and the consistency of the counts.
    public func verify() throws {
        func fail(_ reason: String) -> ShardError { ShardError(path: path, reason) }
        for section in ShardFormat.Section.allCases {
            let entry = try entry(section)
            _ = try sectionBytes(section)
            switch section {
            case .tokens, .tag, .pos, .ner, .wordStart:
                guard entry.count == tokenCount else {
                    throw fail("section \(section.name) has \(entry.count) elements, header says \(tokenCount) tokens")
                }
            case .docOffsets:
                guard entry.count == documentCount + 1 else {
                    throw fail("section doc_offsets has \(entry.count) entries for \(documentCount) documents")
                }
            case .docIDs:
                break
            }
        }
        let offsets = try documentOffsets()
        guard offsets.first == 0, offsets.last == tokenCount, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw fail("doc_offsets are not a non-decreasing sequence from 0 to the token count")
        }
        guard try documentIDs().count == documentCount else { throw fail("doc_ids count differs from the document count") }
        let end = sections.map { $0.offset + $0.length }.max() ?? ShardFormat.headerSize
        guard end == bytes.count else { throw fail("\(bytes.count - end) unexpected bytes after the last section") }
    }
}
