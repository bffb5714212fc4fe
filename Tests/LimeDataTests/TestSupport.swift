import Foundation
import LimeData
import LimeSupport
import LimeText

/// Shared helpers for the data pipeline tests.
enum TestSupport {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
    }

    static func temporaryDirectory(_ label: String = "lime-test") -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A real SentencePiece model (vocabulary 600) trained once on the real-text fixture.
    static let tokenizerPath: String = {
        let directory = temporaryDirectory("lime-tok")
        let output = (directory as NSString).appendingPathComponent("fixture.model")
        var trainer = TokenizerTrainer(vocabSize: 600)
        trainer.characterCoverage = 1.0
        _ = try! TokenizerTraining.train(inputs: [fixture("real-text.jsonl")], textField: "text", trainer: trainer, output: output)
        return output
    }()

    static let tokenizer: SentencePieceModel = try! SentencePieceModel(path: tokenizerPath)

    /// The fixture's documents (id, text).
    static let documents: [(id: String, text: String)] = {
        let data = FileManager.default.contents(atPath: fixture("real-text.jsonl"))!
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            return (object["id"] as! String, object["text"] as! String)
        }
    }()

    /// The `lime` executable built beside the test bundle.
    static var limeBinary: String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("lime").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return directory.appendingPathComponent("lime").path
    }

    /// Runs a command, returning its exit status and output.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
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
