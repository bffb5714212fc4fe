import Foundation
import LimeSupport
import LimeText
import Testing
@testable import LimeData

@Suite struct ShardTests {
    static func sampleDocuments() -> [AlignedDocument] {
        (0..<30).map { index in
            var document = AlignedDocument(id: "doc-\(index)")
            let count = 5 + index * 7
            document.tokens = (0..<count).map { UInt32(($0 * 31 + index) % 7000) }
            document.tag = (0..<count).map { UInt8(3 + ($0 / 2) % 50) }
            document.pos = (0..<count).map { UInt8(3 + ($0 / 2) % 18) }
            document.ner = (0..<count).map { UInt8(3 + ($0 / 3) % 37) }
            document.wordStart = (0..<count).map { $0 % 2 == 0 ? 1 : 0 }
            return document
        }
    }

    static let writer = ShardWriter(tokenizerSHA256: Hashing.sha256(Array("tok".utf8)),
                                    tagsetSHA256: Hashing.sha256(Array(TagSets.canonicalJSON().utf8)), vocabSize: 8000)

    @Test func roundTripIsExactAndDeterministic() throws {
        let documents = Self.sampleDocuments()
        let bytes = try Self.writer.serialize(documents)
        #expect(try Self.writer.serialize(documents) == bytes)
        let reader = try ShardReader(path: "memory", bytes: bytes)
        try reader.verify()
        #expect(reader.documentCount == 30)
        #expect(!reader.tokensAreU32)
        #expect(try reader.documents() == documents)
    }

    @Test func wideVocabularyUsesU32() throws {
        var writer = Self.writer
        writer.vocabSize = 100_000
        var documents = Self.sampleDocuments()
        documents[0].tokens[0] = 99_999
        let reader = try ShardReader(path: "memory", bytes: try writer.serialize(documents))
        #expect(reader.tokensAreU32)
        #expect(try reader.documents() == documents)
    }

    @Test func everyFlippedBitIsCaught() throws {
        let bytes = try Self.writer.serialize(Self.sampleDocuments())
        // A sample of positions over the header, the section table and every payload.
        var positions = Array(stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)))
        positions += [0, 8, 16, 120, 127, 128, 200, bytes.count - 1]
        for position in positions {
            var corrupted = bytes
            corrupted[position] ^= 0x10
            #expect(throws: ShardError.self, "bit flip at byte \(position) was not detected") {
                let reader = try ShardReader(path: "memory", bytes: corrupted)
                try reader.verify()
            }
        }
    }

    @Test func truncationIsCaught() throws {
        let bytes = try Self.writer.serialize(Self.sampleDocuments())
        for length in [0, 50, 128, 300, bytes.count / 2, bytes.count - 1] {
            #expect(throws: ShardError.self, "truncation to \(length) bytes was not detected") {
                let reader = try ShardReader(path: "memory", bytes: Array(bytes.prefix(length)))
                try reader.verify()
            }
        }
    }
}
