import Foundation
import Testing
@testable import LimeData
import LimeText

/// The shipped tokenizer: `lime run --input F --output D` needs no other flag.
@Suite struct DefaultTokenizerTests {
    @Test func theShippedModelLoadsAndIsLosslessOnRealText() throws {
        let model = try TokenizerLoader.load(pathOrDefault: nil)
        #expect(model.kind == "sentencepiece")
        #expect(model.vocabSize == 16_000)
        #expect((model.path as NSString).lastPathComponent == TokenizerLoader.defaultModelName)
        #expect(model.documentSeparatorID != nil)
        for document in TestSupport.documents {
            let ids = try model.encode(document.text)
            #expect(!ids.isEmpty)
            #expect(model.decodeBytes(ids) == Array(document.text.utf8), "not lossless on \(document.id)")
        }
        // Words the training text never held still encode (byte fallback), losslessly.
        let unseen = "Zürich 東京 🦊 ﷺ ⅷ"
        #expect(model.decodeBytes(try model.encode(unseen)) == Array(unseen.utf8))
    }

    @Test func aJSONTokenizerFileIsRecognisedByContentNotName() throws {
        let path = TestSupport.temporaryDirectory("lime-json-tok") + "/tokenizer.model"
        try Data("  {\"model\": {\"type\": \"BPE\"}}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(HFTokenizerDetection.looksLikeJSON(path: path))
        #expect(!HFTokenizerDetection.looksLikeJSON(path: try TokenizerLoader.defaultModelPath()))
    }

    @Test func runWithoutATokenizerUsesTheDefaultAndSaysSo() throws {
        let directory = TestSupport.temporaryDirectory("lime-default-tok") + "/out"
        let result = try TestSupport.run([TestSupport.limeBinary, "run", "--input", TestSupport.fixture("real-text.jsonl"),
                                          "--output", directory])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("tokenizer \(try TokenizerLoader.defaultModelPath()) (default, sentencepiece, 16000 pieces"))
        let manifest = try Manifest.read(from: directory)
        #expect(manifest.tokenizer.file == TokenizerLoader.defaultModelName)
        #expect(manifest.tokenizer.sha256 == (try TokenizerLoader.load(pathOrDefault: nil)).sha256)
        #expect(manifest.documents == TestSupport.documents.count)
        let verify = try TestSupport.run([TestSupport.limeBinary, "verify", directory])
        #expect(verify.status == 0, "\(verify.stdout)")
    }
}
