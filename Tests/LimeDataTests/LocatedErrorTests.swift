import Foundation
import LimeData
import LimeSupport
import LimeText
import Testing

/// Errors about input carry the file, the line and the reason as fields, not only as text.
@Suite struct LocatedErrorTests {
    @Test func descriptionJoinsPathLineAndReason() {
        #expect(InputError(path: "a.jsonl", line: 3, "bad").description == "a.jsonl:3: bad")
        #expect(InputError(path: "a.jsonl", "bad").description == "a.jsonl: bad")
        #expect(InputError("bad").description == "bad")
    }

    @Test func missingInputNamesTheArgument() throws {
        let missing = TestSupport.temporaryDirectory() + "/none.jsonl"
        let error = try #require(throws: InputError.self) { try InputDiscovery.expand([missing]) }
        #expect(error.path == missing && error.line == nil && error.reason == "no such file or directory")
    }

    @Test func corpusErrorsNameTheFileAndLine() throws {
        let path = TestSupport.temporaryDirectory() + "/bad.conllu"
        TestSupport.write("1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tcat\n", to: path)
        let error = try #require(throws: CorpusError.self) { try CorpusReader.read(path: path) }
        #expect(error.path == path && error.line == 2)
        #expect(error.reason.contains("10 tab-separated columns"))
    }

    @Test func shardErrorsNameTheShard() throws {
        let path = TestSupport.temporaryDirectory() + "/shard-00000.lime"
        TestSupport.write("not a shard", to: path)
        let error = try #require(throws: ShardError.self) { try ShardReader(path: path) }
        #expect(error.path == path && error.line == nil && !error.reason.isEmpty)
    }

    @Test func taggerModelErrorsNameTheFile() throws {
        let path = TestSupport.temporaryDirectory() + "/model.lmtag"
        TestSupport.write("LIMETAGR", to: path)
        let error = try #require(throws: TaggerModelError.self) { try TaggerModel.load(path: path) }
        #expect(error.path == path && !error.reason.isEmpty)
    }
}
