import Foundation
import Testing
@testable import LimeData
import LimeText

/// The `lime` commands around a finished dataset: verify, export, inspect, status, annotate.
@Suite(.serialized) struct CommandTests {
    static let dataset: String = {
        let directory = TestSupport.temporaryDirectory("lime-commands")
        let result = try! TestSupport.run([TestSupport.limeBinary, "run", "--input", TestSupport.fixture("real-text.jsonl"),
                                           "--output", directory, "--tokenizer", TestSupport.tokenizerPath,
                                           "--annotator", PipelineTests.annotator, "--unit-documents", "10"])
        precondition(result.status == 0, result.stderr)
        return directory
    }()

    func copyOfDataset() throws -> String {
        let copy = TestSupport.temporaryDirectory("lime-copy") + "/data"
        try FileManager.default.copyItem(atPath: Self.dataset, toPath: copy)
        return copy
    }

    @Test func verifyAcceptsAGoodDatasetAndNamesACorruptedShard() throws {
        let ok = try TestSupport.run([TestSupport.limeBinary, "verify", Self.dataset])
        #expect(ok.status == 0 && ok.stdout.hasPrefix("ok: 6 shards, 52 documents"))

        let flipped = try copyOfDataset()
        let manifest = try Manifest.read(from: flipped)
        let victim = Manifest.shardPath(manifest.shards[2].file, in: flipped)
        var bytes = [UInt8](FileManager.default.contents(atPath: victim)!)
        bytes[bytes.count - 40] ^= 0x04
        FileManager.default.createFile(atPath: victim, contents: Data(bytes))
        let bad = try TestSupport.run([TestSupport.limeBinary, "verify", flipped])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains(manifest.shards[2].file))

        let truncated = try copyOfDataset()
        let other = Manifest.shardPath(manifest.shards[4].file, in: truncated)
        let data = FileManager.default.contents(atPath: other)!
        FileManager.default.createFile(atPath: other, contents: data.prefix(data.count - 100))
        let short = try TestSupport.run([TestSupport.limeBinary, "verify", truncated])
        #expect(short.status == 1)
        #expect(short.stdout.contains("\(manifest.shards[4].file): \(data.count - 100) bytes, manifest says \(data.count)"))
    }

    @Test func exportGivesBackEveryTextWithAlignedTags() throws {
        let result = try TestSupport.run([TestSupport.limeBinary, "export", Self.dataset])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(rows.count == TestSupport.documents.count)
        for (row, document) in zip(rows, TestSupport.documents) {
            #expect(row["id"] as? String == document.id)
            #expect(row["text"] as? String == document.text)
            let pieces = row["pieces"] as! [String], ids = row["token_ids"] as! [Int]
            let tags = row["tag"] as! [String], ner = row["ner"] as! [String]
            #expect(pieces.count == ids.count && tags.count == ids.count && ner.count == ids.count)
        }
    }

    @Test func inspectAndStatusDescribeTheDataset() throws {
        let manifest = try Manifest.read(from: Self.dataset)
        let inspect = try TestSupport.run([TestSupport.limeBinary, "inspect", Manifest.shardPath(manifest.shards[0].file, in: Self.dataset),
                                           "--tokenizer", TestSupport.tokenizerPath])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("documents: \(manifest.shards[0].documents), tokens: \(manifest.shards[0].tokens)"))
        #expect(inspect.stdout.contains("checksums: ok"))
        let status = try TestSupport.run([TestSupport.limeBinary, "status", Self.dataset])
        #expect(status.stdout.contains("complete (manifest written)"))
        #expect(status.stdout.contains("documents: 52"))
        for stage in ["read", "annotate", "align", "pack"] { #expect(status.stdout.contains("stage \(stage)")) }
    }

    @Test func annotateWritesByteOffsetsForTextAndForGivenWords() throws {
        let directory = TestSupport.temporaryDirectory("lime-annotate")
        let input = directory + "/in.jsonl", output = directory + "/out.jsonl"
        TestSupport.write("{\"id\": \"t\", \"text\": \"Zürich is in Switzerland.\"}\n{\"id\": \"w\", \"tokens\": [\"New\", \"York\", \"rocks\"]}\n{\"oops\": 1}\n", to: input)
        let result = try TestSupport.run([TestSupport.limeBinary, "annotate", "--input", input, "--output", output,
                                          "--annotator", PipelineTests.annotator])
        #expect(result.status == 3, "one record quarantined")
        #expect(result.stderr.contains("in.jsonl:3: missing text field 'text'"))
        let lines = String(decoding: FileManager.default.contents(atPath: output)!, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        let tokens = first["tokens"] as! [[String: Any]]
        #expect(tokens.map { $0["text"] as! String } == ["Zürich", "is", "in", "Switzerland", "."])
        #expect(tokens.map { $0["start"] as! Int } == [0, 8, 11, 14, 25])  // UTF-8 byte offsets
        #expect(tokens.allSatisfy { ($0["tag"] as? String) != nil && ($0["pos"] as? String) != nil && ($0["ent"] as? String) != nil })
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        let words = second["tokens"] as! [[String: Any]]
        #expect(words.map { $0["text"] as! String } == ["New", "York", "rocks"])
        #expect(words.map { $0["start"] as! Int } == [0, 4, 9])
    }

    /// `lime tagger combine` joins entity networks of several models: the shipped model
    /// combined with itself has twice the networks and labels exactly as the shipped one
    /// (an ensemble averages); a model without networks is refused by name.
    @Test func taggerCombineJoinsEntityNetworks() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/LimeText/Resources/tagger-en.lmtag").path
        let directory = TestSupport.temporaryDirectory("lime-combine")
        let doubled = directory + "/doubled.lmtag"
        let combine = try TestSupport.run([TestSupport.limeBinary, "tagger", "combine", "--model", shipped, "--model", shipped,
                                           "--output", doubled])
        #expect(combine.status == 0, "\(combine.stderr)")
        let original = try TaggerModel.load(path: shipped)
        #expect(try TaggerModel.load(path: doubled).entityNetworks.count == 2 * original.entityNetworks.count)
        var outputs: [Data] = []
        for model in [shipped, doubled] {
            let output = directory + "/\(outputs.count).jsonl"
            let run = try TestSupport.run([TestSupport.limeBinary, "tagger", "annotate", "--input", TestSupport.fixture("real-text.jsonl"),
                                           "--output", output, "--model", model])
            #expect(run.status == 0, "\(run.stderr)")
            outputs.append(FileManager.default.contents(atPath: output) ?? Data())
        }
        #expect(outputs[0] == outputs[1] && outputs[0].count > 1000)
        #expect(String(decoding: outputs[0], as: UTF8.self).contains("\"B-"))
        let bare = directory + "/bare.lmtag"
        try original.withEntityNetworks([], description: "no networks").save(to: bare)
        let refused = try TestSupport.run([TestSupport.limeBinary, "tagger", "combine", "--model", shipped, "--model", bare,
                                           "--output", directory + "/x.lmtag"])
        #expect(refused.status != 0 && refused.stderr.contains("bare.lmtag: no entity networks"))
    }
}
