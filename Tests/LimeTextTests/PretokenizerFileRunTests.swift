import Foundation
import Testing
@testable import LimeText

@Suite struct PretokenizerFileRunTests {
    @Test func writesOneSpanLinePerDocument() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pretokenize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("docs.jsonl").path
        let output = directory.appendingPathComponent("spans.jsonl").path
        // "I don't know." -> I do n't know . ; "a  b" -> a, one space token, b.
        try "{\"text\": \"I don't know.\"}\n{\"text\": \"a  b\"}\n".write(toFile: input, atomically: true, encoding: .utf8)
        let report = try PretokenizeFileRun.run(input: input, output: output, repeats: 2)
        #expect(report.documents == 2)
        #expect(report.tokens == 8)
        #expect(report.bytes == 17)
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["[[0,1],[2,4],[4,7],[8,12],[12,13]]", "[[0,1],[2,3],[3,4]]"])
    }
}
