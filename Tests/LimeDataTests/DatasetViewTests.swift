import Foundation
import Testing
@testable import LimeData
import LimeText

/// `lime view`: the sample and the page (rendering is checked in Chromium by
/// Tests/python/test_view_chromium.py).
@Suite struct DatasetViewTests {
    @Test func theSampleSpansShardsAndKnowsWhereEachDocumentCameFrom() throws {
        let directory = CommandTests.dataset
        let manifest = try Manifest.read(from: directory)
        let sample = try DatasetSample.load(directory: directory, tokenizer: TestSupport.tokenizer, documents: 12, maxPieces: 40)
        #expect(sample.documents.count == 12)
        #expect(Set(sample.documents.map(\.shard)).count == manifest.shards.count)
        #expect(sample.counts.documents == manifest.documents && sample.counts.pieces == manifest.tokens)
        let lines = String(decoding: FileManager.default.contents(atPath: TestSupport.fixture("real-text.jsonl"))!, as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
        for document in sample.documents {
            #expect(document.input.hasSuffix("real-text.jsonl"))
            // The recorded line holds the document's text (line numbers count from 1).
            let record = try JSONSerialization.jsonObject(with: Data(lines[document.line - 1].utf8)) as! [String: Any]
            #expect(record["id"] as? String == document.id)
            let text = record["text"] as! String
            let shown = document.pieces.joined()
            if !shown.contains("\u{FFFD}") { #expect(text.hasPrefix(shown), "pieces of \(document.id) are not its text") }
            #expect(document.pieces.count <= 40 && document.pieces.count + document.truncated > 0)
        }
        #expect(sample.counts.words > 0 && sample.counts.tags.values.reduce(0, +) == sample.counts.words)
        #expect(!sample.counts.entities.isEmpty)
    }

    @Test func thePageEmbedsTheSampleWithoutAnyRawAngleBracketInTheData() throws {
        let sample = try DatasetSample.load(directory: CommandTests.dataset, tokenizer: TestSupport.tokenizer, documents: 3)
        var evil = sample
        evil.documents[0].pieces[0] = "</script><b>"
        let html = try DatasetPage.html(evil)
        let start = html.range(of: "<script type=\"application/json\" id=\"lime-data\">")!.upperBound
        let end = html.range(of: "</script>", range: start..<html.endIndex)!.lowerBound
        let json = String(html[start..<end])
        #expect(!json.contains("<"))
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let documents = decoded["documents"] as! [[String: Any]]
        #expect(documents.count == 3)
        #expect((documents[0]["pieces"] as! [String])[0] == "</script><b>")
        #expect(!html.contains("http://") && !html.contains("https://"), "the page must not load anything")
    }
}
