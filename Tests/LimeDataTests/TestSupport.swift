import Foundation
import LimeData
import LimeSupport
import LimeTestSupport
import LimeText

/// Shared helpers for the data pipeline tests.
enum TestSupport {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
    }

    static func temporaryDirectory(_ label: String = "lime-test") -> String { LimeTestSupport.temporaryDirectory(label) }

    /// A real SentencePiece model (vocabulary 600) trained once on the real-text fixture.
    static var tokenizerPath: String { LimeTestSupport.fixtureTokenizerPath }

    static let tokenizer: SentencePieceModel = try! SentencePieceModel(path: tokenizerPath)

    /// The fixture's documents (id, text).
    static let documents: [(id: String, text: String)] = {
        let data = FileManager.default.contents(atPath: fixture("real-text.jsonl"))!
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return (object["id"] as! String, object["text"] as! String)
        }
    }()

    static var limeBinary: String { LimeTestSupport.limeBinary }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try LimeTestSupport.run(arguments, environment: environment)
    }

    static func write(_ text: String, to path: String) {
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    /// Bytes of every file under `directory/shards` plus the manifest, by name.
    static func outputBytes(_ directory: String) -> [String: Data] {
        var result: [String: Data] = [:]
        let shards = (directory as NSString).appendingPathComponent("shards")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: shards)) ?? [] {
            result["shards/" + name] = FileManager.default.contents(atPath: (shards as NSString).appendingPathComponent(name))
        }
        result["manifest.json"] = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent("manifest.json"))
        return result
    }
}

/// A whitespace "annotator" for unit tests of the code around annotators (the pipeline
/// tests use real ones). Words are tagged by shape: capitalized NNP, digits CD, else NN.
final class WhitespaceAnnotator: Annotator {
    let name = "whitespace-test-double"
    let fingerprint = ["backend": "whitespace-test-double"]

    func annotate(_ documents: [AnnotatorDocument]) throws -> [Result<[AnnotatedToken], AnnotatorFailure>] {
        documents.map { document in
            let bytes = Array(document.text.utf8)
            var tokens: [AnnotatedToken] = []
            var i = 0
            func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D }
            while i < bytes.count {
                if isSpace(bytes[i]) { i += 1; continue }
                var j = i
                while j < bytes.count && !isSpace(bytes[j]) { j += 1 }
                let first = bytes[i]
                let tag = first >= 0x41 && first <= 0x5A ? "NNP" : (first >= 0x30 && first <= 0x39 ? "CD" : "NN")
                let ner = first >= 0x41 && first <= 0x5A ? "B-PERSON" : "O"
                tokens.append(AnnotatedToken(start: Int32(i), end: Int32(j), tag: TagSets.tag.id(tag),
                                             pos: TagSets.pos.id(tag == "NNP" ? "PROPN" : "NOUN"), ner: TagSets.ner.id(ner)))
                i = j
            }
            return .success(tokens)
        }
    }
}
