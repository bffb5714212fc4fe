import Foundation
import LimeSupport
import Testing
@testable import LimeData

/// Shards whose checksums are valid but whose header, section table or sections say
/// impossible things (found by reading the reader against the fuzz target `fuzz-shard`):
/// each must be refused with a `ShardError` naming the file, never trap or exhaust memory.
@Suite struct ShardHostileBytesTests {
    static let bytes = try! ShardTests.writer.serialize(ShardTests.sampleDocuments())

    /// `bytes` with a little-endian u64 written at `offset` and the header checksum redone.
    static func patched(_ bytes: [UInt8], u64 value: UInt64, at offset: Int) -> [UInt8] {
        var out = bytes
        withUnsafeBytes(of: value.littleEndian) { out.replaceSubrange(offset..<offset + 8, with: $0) }
        out.replaceSubrange(120..<128, with: Hashing.sha256(out[0..<120]).prefix(8))
        return out
    }

    /// The shard rebuilt with one section's decompressed bytes replaced (checksums valid).
    static func replacing(_ section: ShardFormat.Section, in bytes: [UInt8], with raw: [UInt8], count: Int) throws -> [UInt8] {
        let reader = try ShardReader(path: "memory", bytes: bytes)
        var payloads = reader.sections.map { Array(bytes[$0.offset..<$0.offset + $0.length]) }
        var entries = reader.sections
        let index = entries.firstIndex { $0.kind == section.rawValue }!
        payloads[index] = try Zstd.compress(raw)
        entries[index].count = count
        var out = Array(bytes[0..<ShardFormat.headerSize])
        var offset = ShardFormat.headerSize + ShardFormat.sectionEntrySize * entries.count
        var table = ByteWriter()
        for (entry, payload) in zip(entries, payloads) {
            table.write(entry.kind)
            table.write(UInt32(entry.elementSize))
            table.write(UInt64(entry.count))
            table.write(UInt64(offset))
            table.write(UInt64(payload.count))
            table.write(bytes: Hashing.sha256(payload))
            offset += payload.count
        }
        out += table.bytes
        for payload in payloads { out += payload }
        return out
    }

    func expectRefused(_ bytes: [UInt8], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: ShardError.self, Comment(rawValue: what), sourceLocation: sourceLocation) {
            let reader = try ShardReader(path: "hostile.lime", bytes: bytes)
            _ = try reader.documents()
            try reader.verify()
        }
        #expect(error?.path == "hostile.lime", sourceLocation: sourceLocation)
    }

    @Test func countsTooLargeForAnIntAreRefused() {
        expectRefused(Self.patched(Self.bytes, u64: .max, at: 16), "document count 2^64-1")
        expectRefused(Self.patched(Self.bytes, u64: 1 << 63, at: 24), "token count 2^63")
    }

    @Test func sectionTableEntriesOutsideTheFileAreRefused() {
        let entry = ShardFormat.headerSize  // the first section's table entry
        expectRefused(Self.patched(Self.bytes, u64: .max, at: entry + 16), "section offset 2^64-1")
        expectRefused(Self.patched(Self.bytes, u64: .max - 8, at: entry + 24), "section length near 2^64")
        expectRefused(Self.patched(Self.bytes, u64: UInt64(Int.max), at: entry + 24), "offset + length overflows")
        expectRefused(Self.patched(Self.bytes, u64: 1 << 40, at: entry + 8), "an element count of 2^40 (terabytes)")
    }

    @Test func aHeaderTokenCountLargerThanTheSectionsIsRefused() throws {
        let reader = try ShardReader(path: "memory", bytes: Self.bytes)
        let bytes = Self.patched(Self.bytes, u64: UInt64(reader.tokenCount + 1), at: 24)
        expectRefused(bytes, "one token more in the header than in the sections")
        #expect(throws: ShardError.self) { try ShardReader(path: "hostile.lime", bytes: bytes).tokens() }
    }

    @Test func documentOffsetsOutOfOrderOrPastTheTokensAreRefused() throws {
        let reader = try ShardReader(path: "memory", bytes: Self.bytes)
        var offsets = try reader.documentOffsets()
        func raw(_ values: [Int]) -> [UInt8] {
            var w = ByteWriter()
            for v in values { w.write(UInt64(v)) }
            return w.bytes
        }
        offsets.swapAt(3, 4)
        expectRefused(try Self.replacing(.docOffsets, in: Self.bytes, with: raw(offsets), count: offsets.count), "offsets out of order")
        offsets = try reader.documentOffsets()
        offsets[5] = reader.tokenCount + 100
        expectRefused(try Self.replacing(.docOffsets, in: Self.bytes, with: raw(offsets), count: offsets.count), "an offset past the tokens")
        let tags = try reader.sectionBytes(.tag)
        expectRefused(try Self.replacing(.tag, in: Self.bytes, with: Array(tags.dropLast()), count: tags.count - 1), "a tag short")
    }
}
