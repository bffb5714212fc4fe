import Foundation
import LimeSupport
import Testing
@testable import LimeData

@Suite struct InputTests {
    let directory = TestSupport.temporaryDirectory("lime-input")

    func file(_ name: String, _ bytes: [UInt8]) throws -> InputFile {
        let path = (directory as NSString).appendingPathComponent(name)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return try #require(try InputDiscovery.expand([path]).first)
    }

    func records(_ file: InputFile, max: Int = 1 << 20) throws -> [RawRecord] {
        let reader = try RecordReader(file: file, maxRecordBytes: max)
        var out: [RawRecord] = []
        while let record = reader.next() { out.append(record) }
        return out
    }

    @Test func plainLinesWithNumbersAndOffsets() throws {
        let text = "{\"text\": \"a\"}\n{\"text\": \"bb\"}\r\n\n{\"text\": \"c\"}"
        let rows = try records(try file("a.jsonl", Array(text.utf8)))
        #expect(rows.map(\.line) == [1, 2, 3, 4])
        #expect(rows.map(\.byteOffset) == [0, 14, 30, 31])
        #expect(String(decoding: rows[1].bytes, as: UTF8.self) == "{\"text\": \"bb\"}")
        #expect(rows.allSatisfy { $0.readError == nil })
    }

    @Test func zstdStreamEqualsPlain() throws {
        let lines = (0..<5000).map { "{\"id\": \($0), \"text\": \"line \($0) \(String(repeating: "x", count: $0 % 97))\"}" }
        let plain = Array((lines.joined(separator: "\n") + "\n").utf8)
        let a = try records(try file("p.jsonl", plain))
        let b = try records(try file("p.jsonl.zst", try Zstd.compress(plain)))
        #expect(a.count == 5000)
        #expect(a.map(\.bytes) == b.map(\.bytes))
        #expect(a.map(\.byteOffset) == b.map(\.byteOffset))
        let reader = try RecordReader(file: try file("q.jsonl.zst", try Zstd.compress(plain)))
        while reader.next() != nil {}
        #expect(Hashing.hex(reader.sha256) == Hashing.hex(Hashing.sha256(try Zstd.compress(plain))))
    }

    @Test func truncatedZstdKeepsTheRecordsBefore() throws {
        let lines = (0..<20000).map { "{\"text\": \"document number \($0) with some words\"}" }
        let compressed = try Zstd.compress(Array((lines.joined(separator: "\n") + "\n").utf8))
        let rows = try records(try file("t.jsonl.zst", Array(compressed.prefix(compressed.count / 2))))
        let last = try #require(rows.last)
        #expect(last.readError?.contains("truncated zstd stream") == true)
        let good = rows.dropLast()
        #expect(good.count > 100)
        for (index, row) in good.enumerated() {
            #expect(String(decoding: row.bytes, as: UTF8.self) == lines[index])
        }
    }

    @Test func overlongRecordIsReportedNotHeld() throws {
        let text = "{\"text\": \"short\"}\n{\"text\": \"\(String(repeating: "y", count: 5000))\"}\n{\"text\": \"after\"}\n"
        let rows = try records(try file("long.jsonl", Array(text.utf8)), max: 1000)
        #expect(rows.count == 3)
        #expect(rows[1].readError == "record longer than 1000 bytes")
        #expect(rows[1].bytes.isEmpty)
        #expect(rows[2].line == 3 && String(decoding: rows[2].bytes, as: UTF8.self) == "{\"text\": \"after\"}")
    }

    @Test func parserRejectsEachBadCaseWithItsReason() throws {
        let input = try file("bad.jsonl", [])
        let parser = DocumentParser()
        func reason(_ bytes: [UInt8]) -> String? {
            if case .failure(let q) = parser.parse(RawRecord(line: 7, byteOffset: 99, bytes: bytes), file: input) {
                #expect(q.line == 7 && q.byteOffset == 99 && q.path == input.path)
                return q.reason
            }
            return nil
        }
        #expect(reason(Array("{\"text\": ".utf8))?.hasPrefix("invalid JSON") == true)
        #expect(reason(Array("{\"body\": \"x\"}".utf8)) == "missing text field 'text'")
        #expect(reason(Array("{\"text\": 5}".utf8)) == "field 'text' is not a string")
        #expect(reason(Array("{\"text\": \"  \"}".utf8))?.hasPrefix("empty document") == true)
        #expect(reason([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D]) == "invalid UTF-8 at byte 2 of the record")
        #expect(reason(Array("[1, 2]".utf8)) == "invalid JSON: not an object")
        if case .success(let document) = parser.parse(RawRecord(line: 3, byteOffset: 0, bytes: Array("{\"text\": \"ok\"}".utf8)), file: input) {
            #expect(document.id == "bad.jsonl:3")
            #expect(document.content.text == "ok")
        } else {
            Issue.record("a good record was rejected")
        }
    }

    /// A U+FEFF opening a text value is part of the text (JSONSerialization alone drops it);
    /// one opening the line is an encoding mark.
    @Test func byteOrderMarksInsideValuesAreKept() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let lines: [[UInt8]] = [
            Array(#"{"id": "a", "text": ""#.utf8) + bom + Array(#"Hi"}"#.utf8),
            bom + Array(#"{"id": "b", "text": "Hi"}"#.utf8),
            Array(#"{"id": "c", "text": "x"#.utf8) + bom + Array(#"y"}"#.utf8),
        ]
        let input = try file("bom.jsonl", Array(lines.joined(separator: [0x0A])))
        let texts = try records(input).map { record -> [UInt8] in
            guard case .success(let document) = DocumentParser().parse(record, file: input) else { return [] }
            return Array(document.content.text.utf8)
        }
        #expect(texts == [bom + Array("Hi".utf8), Array("Hi".utf8), Array("x".utf8) + bom + Array("y".utf8)])
    }

    @Test func utf8Validation() {
        #expect(DocumentParser.firstInvalidUTF8(Array("héllo 東京 🙂".utf8)) == nil)
        #expect(DocumentParser.firstInvalidUTF8([0x61, 0xED, 0xA0, 0x80]) == 1)  // surrogate
        #expect(DocumentParser.firstInvalidUTF8([0xC0, 0x80]) == 0)  // overlong
        #expect(DocumentParser.firstInvalidUTF8([0x61, 0xE6, 0x9D]) == 1)  // truncated
    }

    @Test func discoveryExpandsDirectoriesAndGlobsInSortedOrder() throws {
        _ = try file("b.txt", Array("x\n".utf8))
        _ = try file("a.jsonl", Array("{}\n".utf8))
        FileManager.default.createFile(atPath: directory + "/notes.md", contents: Data("# no\n".utf8))
        let all = try InputDiscovery.expand([directory])
        #expect(all.map { ($0.path as NSString).lastPathComponent } == ["a.jsonl", "b.txt"])
        #expect(all.map(\.index) == [0, 1])
        let globbed = try InputDiscovery.expand([directory + "/*.txt"])
        #expect(globbed.count == 1 && globbed[0].format == .text)
        #expect(throws: InputError.self) { try InputDiscovery.expand([directory + "/missing.jsonl"]) }
        #expect(throws: InputError.self) { try InputDiscovery.expand([directory + "/notes.md"]) }
    }
}
