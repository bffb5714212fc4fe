import Foundation
import LimeSupport
import LimeText
import Testing
@testable import LimeData

/// The annotate stage's kept output: reused after a crash in a later stage and by a run
/// with another tokenizer (a shard set), exported, verified, and read back as input.
@Suite(.serialized) struct StagedPipelineTests {
    let input = TestSupport.fixture("real-text.jsonl")

    func config(tokenizer: String? = TestSupport.tokenizerPath, workers: Int = 2) -> PipelineConfig {
        var config = PipelineConfig()
        config.annotator = PipelineTests.annotator
        config.tokenizer = tokenizer
        config.workers = workers
        config.unitDocuments = 8
        return config
    }

    func run(_ inputs: [String], _ directory: String, _ config: PipelineConfig, made: Counter? = nil) throws -> RunSummary {
        let maker = try AnnotatorFactory.maker(name: config.annotator, config: config)
        return try Pipeline(inputs: inputs, directory: directory, config: config, makeAnnotator: {
            made?.add()
            return try maker()
        }).run()
    }

    /// Counts annotators made (from several worker threads).
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.lock(); count += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    }

    /// Documents the annotator saw, per the stage rows of a directory's provenance.
    func annotatorDocuments(_ directory: String) throws -> Int {
        let store = try ProvenanceStore(path: directory + "/provenance.sqlite")
        return try store.status().stages.first { $0.stage == "annotate" }?.items ?? -1
    }

    @Test func anotherTokenizerReusesTheAnnotationsAndEqualsAFreshRun() throws {
        let dataset = TestSupport.temporaryDirectory("lime-staged")
        let first = try run([input], dataset, config())
        #expect(first.documents == TestSupport.documents.count)
        #expect(try annotatorDocuments(dataset) == TestSupport.documents.count)
        let kept = try ProvenanceStore(path: dataset + "/provenance.sqlite").stageOutputs(.annotate)
        #expect(kept.count == first.unitsProcessed && kept.allSatisfy { $0.status == .kept })

        // The default tokenizer on the same directory: a shard set, no annotation work.
        let made = Counter()
        let second = try run([input], dataset, config(tokenizer: nil), made: made)
        #expect(second.directory.hasPrefix(dataset + "/shard-sets/"))
        #expect(made.value == 1, "only the annotator of the fingerprint is made, no worker's: \(made.value)")
        #expect(second.annotationsReused == second.unitsProcessed && second.unitsProcessed == first.unitsProcessed)
        #expect(try annotatorDocuments(second.directory) == 0, "the shard set's run annotated nothing")
        let rows = try ProvenanceStore(path: second.directory + "/provenance.sqlite").stageOutputs(.annotate)
        #expect(rows.count == second.unitsProcessed && rows.allSatisfy { $0.status == .reused && $0.file.hasPrefix("../../annotations/") })
        #expect(Manifest.shardDirectory == "shards")
        #expect(TestSupport.outputBytes(dataset) != TestSupport.outputBytes(second.directory), "another tokenizer, other shards")

        // Byte for byte what a fresh run with that tokenizer writes.
        let fresh = TestSupport.temporaryDirectory("lime-staged-fresh")
        _ = try run([input], fresh, config(tokenizer: nil))
        #expect(TestSupport.outputBytes(second.directory) == TestSupport.outputBytes(fresh))
        #expect(try DatasetVerifier.verify(directory: second.directory).ok)

        // Rerunning either command resumes its own shard set, with nothing left to do.
        let again = try run([input], dataset, config(tokenizer: nil))
        #expect(again.directory == second.directory && again.unitsProcessed == 0 && again.unitsSkipped == first.unitsProcessed)
        #expect(try run([input], dataset, config()).directory == dataset)
    }

    @Test func changedDocumentsAreStillRefused() throws {
        let dataset = TestSupport.temporaryDirectory("lime-staged-refused")
        _ = try run([input], dataset, config())
        var other = config()
        other.unitDocuments = 5
        #expect {
            _ = try run([input], dataset, other)
        } throws: { error in
            "\(error)".contains("unit_documents") && "\(error)".contains("shard set")
        }
    }

    @Test func aCorruptOrStaleAnnotationIsRedoneNotTrusted() throws {
        let dataset = TestSupport.temporaryDirectory("lime-staged-corrupt")
        _ = try run([input], dataset, config())
        let store = try ProvenanceStore(path: dataset + "/provenance.sqlite")
        let row = try #require(try store.stageOutputs(.annotate).first)
        let path = dataset + "/" + row.file
        var bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        bytes[bytes.count - 3] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let check = try StageOutputsCheck.verify(directory: dataset)
        #expect(check.problems.count == 1 && check.problems[0].contains(row.file), "\(check.problems)")

        let second = try run([input], dataset, config(tokenizer: nil))
        #expect(second.annotationsReused == second.unitsProcessed - 1, "only the damaged unit is annotated again")
        #expect(try annotatorDocuments(second.directory) == row.documents)
        #expect(try StageOutputsCheck.verify(directory: dataset).problems.isEmpty, "the redone file replaced the damaged one")
    }

    @Test func droppedAnnotationsLeaveRowsAndNoFiles() throws {
        let dataset = TestSupport.temporaryDirectory("lime-staged-drop")
        var settings = config()
        settings.keepAnnotations = false
        let summary = try run([input], dataset, settings)
        let rows = try ProvenanceStore(path: dataset + "/provenance.sqlite").stageOutputs(.annotate)
        #expect(rows.count == summary.unitsProcessed && rows.allSatisfy { $0.status == .dropped })
        let folder = dataset + "/" + (rows[0].file as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        #expect(try DatasetVerifier.verify(directory: dataset).ok)
    }

    @Test func exportedAnnotationsReadBackAsInputGiveTheSameShards() throws {
        let dataset = TestSupport.temporaryDirectory("lime-staged-export")
        _ = try run([input], dataset, config())
        let exported = dataset + "-annotated.jsonl"
        FileManager.default.createFile(atPath: exported, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: exported))
        #expect(try AnnotationExport.export(directory: dataset, to: handle) == TestSupport.documents.count)
        try handle.close()

        let again = TestSupport.temporaryDirectory("lime-staged-annotated-input")
        let summary = try run([exported], again, config())
        #expect(summary.documents == TestSupport.documents.count && summary.quarantined == 0)
        #expect(try annotatorDocuments(again) == 0, "annotated input is not annotated again")
        let shards = { (directory: String) in TestSupport.outputBytes(directory).filter { $0.key.hasPrefix("shards/") } }
        #expect(shards(again) == shards(dataset), "same text, tokens and tags: the same shard bytes")
    }

    @Test func annotatedRecordsAreCheckedAndBadOnesQuarantined() throws {
        let directory = TestSupport.temporaryDirectory("lime-staged-records")
        let good = #"{"id":"ok","text":"Ada Lovelace wrote.","tokens":[{"text":"Ada","start":0,"end":3,"tag":"NNP","pos":"PROPN","ent":"B-PERSON"},{"text":"Lovelace","start":4,"end":12,"tag":"NNP","pos":"PROPN","ent":"I-PERSON"},{"text":"wrote","start":13,"end":18,"tag":"VBD","pos":"VERB","ent":"O"},{"text":".","start":18,"end":19,"tag":".","pos":"PUNCT","ent":"O"}]}"#
        // spaCy's Doc.to_json: character offsets (é is one character, two bytes).
        let spacy = #"{"text":"Zoé lives in Paris","ents":[{"start":13,"end":18,"label":"GPE"}],"tokens":[{"id":0,"start":0,"end":3,"tag":"NNP","pos":"PROPN"},{"id":1,"start":4,"end":9,"tag":"VBZ","pos":"VERB"},{"id":2,"start":10,"end":12,"tag":"IN","pos":"ADP"},{"id":3,"start":13,"end":18,"tag":"NNP","pos":"PROPN"}]}"#
        let noText = #"{"id":"rebuilt","tokens":[{"text":"Hi","start":0,"end":2,"tag":"UH","pos":"INTJ","ent":"O"},{"text":"there","start":3,"end":8,"tag":"RB","pos":"ADV","ent":"O"}]}"#
        let bad = [
            (#"{"text":"abc","tokens":[{"start":0,"end":9,"tag":"NN","pos":"NOUN","ent":"O"}]}"#, "run past the end of the text"),
            (#"{"text":"ab cd","tokens":[{"start":0,"end":4,"tag":"NN","pos":"NOUN","ent":"O"},{"start":3,"end":5,"tag":"NN","pos":"NOUN","ent":"O"}]}"#, "overlap the previous token"),
            (#"{"text":"abc","tokens":[{"start":0,"end":3,"tag":"XYZ","pos":"NOUN","ent":"O"}]}"#, "unknown tag 'XYZ'"),
            (#"{"text":"abc","tokens":[{"start":0,"end":3,"tag":"NN","pos":"NOUN","ent":"I-ORG"}]}"#, "IOB2"),
            (#"{"text":"ab","tokens":[{"start":0,"end":2,"tag":"NN","pos":"NOUN","ent":"B-PLANET"}]}"#, "unknown entity label 'B-PLANET'"),
            (#"{"text":"Zoé","tokens":[{"start":0,"end":3,"tag":"NN","pos":"NOUN","ent":"O"}]}"#, "split a UTF-8 character"),
            (#"{"text":"New York","ents":[{"start":0,"end":5,"label":"GPE"}],"tokens":[{"start":0,"end":3,"tag":"NNP","pos":"PROPN"},{"start":4,"end":8,"tag":"NNP","pos":"PROPN"}]}"#, "token boundaries"),
        ]
        let path = directory + "/annotated.jsonl"
        TestSupport.write(([good, spacy, noText] + bad.map(\.0)).joined(separator: "\n") + "\n", to: path)
        let output = directory + "/out"
        let summary = try run([path], output, config())
        #expect(summary.documents == 3 && summary.quarantined == bad.count)
        let store = try ProvenanceStore(path: output + "/provenance.sqlite")
        let reasons = Dictionary(uniqueKeysWithValues: try store.quarantined().map { ($0.line, $0.reason) })
        for (index, (_, expected)) in bad.enumerated() {
            let reason = reasons[index + 4] ?? "(not quarantined)"
            #expect(reason.hasPrefix("annotated record: ") && reason.contains(expected), "line \(index + 4): \(reason)")
        }
        #expect(try annotatorDocuments(output) == 0)

        let manifest = try Manifest.read(from: output)
        let documents = try manifest.shards.flatMap { try ShardReader(path: Manifest.shardPath($0.file, in: output)).documents() }
        #expect(documents.map(\.id) == ["ok", "annotated.jsonl:2", "rebuilt"])
        let decoded = documents.map { String(decoding: TestSupport.tokenizer.decodeBytes($0.tokens), as: UTF8.self) }
        #expect(decoded == ["Ada Lovelace wrote.", "Zoé lives in Paris", "Hi there"])
        let ner = documents.map { Set($0.ner.map { TagSets.ner.label($0) }) }
        #expect(ner[0] == ["B-PERSON", "I-PERSON", "O"] && ner[1] == ["B-GPE", "O"])
        #expect(documents[0].pos.contains(TagSets.pos.id("VERB")) && documents[1].tag.contains(TagSets.tag.id("VBZ")))
    }

    @Test func annotationFileRoundTripsAndRefusesDamage() throws {
        let file = AnnotationFile(
            key: UnitKey(input: 2, ordinal: 7), fingerprint: "backend=native;model_sha256=abc", inputSHA256: Array(repeating: 9, count: 32),
            documents: [
                .init(id: "a", line: 3, byteOffset: 120, text: "Hello world", tokens: [
                    AnnotatedToken(start: 0, end: 5, tag: 20, pos: 4, ner: 0), AnnotatedToken(start: 6, end: 11, tag: 21, pos: 5, ner: 3)]),
                .init(id: "b", line: 4, byteOffset: 140, text: "x", tokens: nil, failure: "worker crashed"),
                .init(id: "c", line: 5, byteOffset: 150, text: "ok", tokens: [AnnotatedToken(start: 0, end: 2, tag: 3, pos: 3, ner: 3)], fromInput: true),
            ])
        let bytes = try file.serialize()
        #expect(try file.serialize() == bytes, "deterministic")
        #expect(try AnnotationFile(bytes: bytes, path: "u.lann") == file)
        for cut in [0, 7, 20, bytes.count / 2, bytes.count - 1] {
            #expect(throws: AnnotationFileError.self) { _ = try AnnotationFile(bytes: Array(bytes.prefix(cut)), path: "u.lann") }
        }
        var flipped = bytes
        flipped[flipped.count - 5] ^= 1
        #expect { _ = try AnnotationFile(bytes: flipped, path: "u.lann") } throws: { "\($0)".contains("u.lann: payload checksum mismatch") }
        var foreign = bytes
        foreign[0] = 0x58
        #expect { _ = try AnnotationFile(bytes: foreign, path: "u.lann") } throws: { "\($0)".contains("bad magic") }
    }

    /// `kill -9` right after each stage of the second unit, then the same command again:
    /// the result is byte-identical to an uninterrupted run, and a unit whose annotation
    /// was kept before the kill is not annotated again.
    @Test func killAfterEachStageResumesToIdenticalBytes() throws {
        func arguments(_ directory: String) -> [String] {
            [TestSupport.limeBinary, "run", "--input", input, "--output", directory, "--tokenizer", TestSupport.tokenizerPath,
             "--annotator", PipelineTests.annotator, "--workers", "1", "--unit-documents", "8"]
        }
        let reference = TestSupport.temporaryDirectory("lime-stage-kill-ref")
        #expect(try TestSupport.run(arguments(reference)).status == 0)
        let expected = TestSupport.outputBytes(reference)
        for stage in UnitStage.allCases.map(\.rawValue) + ["commit"] {
            let directory = TestSupport.temporaryDirectory("lime-stage-kill")
            let killed = try TestSupport.run(arguments(directory), environment: ["LIME_FAILPOINT": "after-\(stage):2"])
            #expect(killed.status == 9 || killed.status == 137, "killed after \(stage): status \(killed.status)")
            let rerun = try TestSupport.run(arguments(directory))
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(TestSupport.outputBytes(directory) == expected, "kill after \(stage) of unit 2, then resume")
            let store = try ProvenanceStore(path: directory + "/provenance.sqlite")
            let items = try store.stageItems(UnitKey(input: 0, ordinal: 1), .annotate)
            let keptBeforeKill = ["annotate", "align", "pack"].contains(stage)
            #expect(items == (keptBeforeKill ? 0 : 8), "after \(stage): unit 2's annotate stage saw \(items ?? -1) documents")
            #expect(try StageOutputsCheck.verify(directory: directory).problems.isEmpty)
        }
    }
}
