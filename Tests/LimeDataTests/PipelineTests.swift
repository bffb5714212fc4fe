import Foundation
import LimeSupport
import LimeText
import Testing
@testable import LimeData

/// The pipeline end to end with a real annotator, real SentencePiece, zstd and SQLite.
@Suite(.serialized) struct PipelineTests {
    static let annotator = "native"

    func config(workers: Int = 2, unitDocuments: Int = 8) -> PipelineConfig {
        var config = PipelineConfig()
        config.annotator = Self.annotator
        config.tokenizer = TestSupport.tokenizerPath
        config.workers = workers
        config.unitDocuments = unitDocuments
        return config
    }

    func runPipeline(_ inputs: [String], _ directory: String, _ config: PipelineConfig) throws -> RunSummary {
        let maker = try AnnotatorFactory.maker(name: config.annotator, config: config)
        return try Pipeline(inputs: inputs, directory: directory, config: config, makeAnnotator: maker).run()
    }

    @Test func realTextRoundTripsAndVerifies() throws {
        let directory = TestSupport.temporaryDirectory("lime-pipeline")
        let summary = try runPipeline([TestSupport.fixture("real-text.jsonl")], directory, config())
        #expect(summary.documents == TestSupport.documents.count)
        #expect(summary.quarantined == 0)
        let report = try DatasetVerifier.verify(directory: directory)
        #expect(report.ok, "\(report.problems)")
        #expect(report.documents == TestSupport.documents.count)

        // Every document decodes to its text, byte for byte, in input order.
        let manifest = try Manifest.read(from: directory)
        var decoded: [(String, String)] = []
        for shard in manifest.shards {
            for document in try ShardReader(path: Manifest.shardPath(shard.file, in: directory)).documents() {
                decoded.append((document.id, String(decoding: TestSupport.tokenizer.decodeBytes(document.tokens), as: UTF8.self)))
                // pieces of one word share its tags
                var k = 0
                while k < document.count {
                    var j = k + 1
                    while j < document.count && document.wordStart[j] == 0 {
                        #expect(document.tag[j] == document.tag[k] && document.ner[j] == document.ner[k] && document.pos[j] == document.pos[k])
                        j += 1
                    }
                    k = j
                }
                #expect(Set(document.tag).isSubset(of: Set((3..<UInt8(TagSets.tag.count)))), "only real tags")
            }
        }
        #expect(decoded.map(\.0) == TestSupport.documents.map(\.id))
        #expect(decoded.map(\.1) == TestSupport.documents.map(\.text))

        // A rerun on the finished directory does nothing and changes nothing.
        let before = TestSupport.outputBytes(directory)
        let again = try runPipeline([TestSupport.fixture("real-text.jsonl")], directory, config(workers: 1))
        #expect(again.unitsProcessed == 0 && again.unitsSkipped == manifest.shards.count)
        #expect(TestSupport.outputBytes(directory) == before)
    }

    @Test func badInputIsQuarantinedAndGoodDataKept() throws {
        let inputs = TestSupport.temporaryDirectory("lime-bad-inputs")
        let good = "{\"id\": \"g1\", \"text\": \"The first good document.\"}\n"
        let mixed = good
            + "{\"id\": \"broken\", \"text\": \n"                      // line 2: invalid JSON
            + "{\"id\": \"nofield\", \"body\": \"no text\"}\n"          // line 3: missing text field
            + "{\"id\": \"empty\", \"text\": \"\"}\n"                   // line 4: empty document
            + "{\"id\": \"g2\", \"text\": \"Another good one in Paris.\"}\n"
        FileManager.default.createFile(atPath: inputs + "/a-mixed.jsonl", contents: Data(mixed.utf8))
        var invalid = Array("{\"id\": \"g3\", \"text\": \"Good before bad bytes.\"}\n{\"id\": \"bad-utf8\", \"text\": \"caf".utf8)
        invalid += [0xE9, 0x22, 0x7D, 0x0A]
        invalid += Array("{\"id\": \"g4\", \"text\": \"Good after bad bytes.\"}\n".utf8)
        FileManager.default.createFile(atPath: inputs + "/b-utf8.jsonl", contents: Data(invalid))
        let lines = (0..<12000).map { "{\"id\": \"z\($0)\", \"text\": \"Compressed document number \($0) is here.\"}" }
        let compressed = try Zstd.compress(Array((lines.joined(separator: "\n") + "\n").utf8))
        FileManager.default.createFile(atPath: inputs + "/c-truncated.jsonl.zst", contents: Data(compressed.prefix(compressed.count * 2 / 3)))
        // An unreadable file: permissions stop other users; root reads anything, so there the
        // file is a link to /proc/self/mem, whose first page cannot be read (EIO).
        if getuid() == 0 {
            try FileManager.default.createSymbolicLink(atPath: inputs + "/d-unreadable.jsonl", withDestinationPath: "/proc/self/mem")
        } else {
            FileManager.default.createFile(atPath: inputs + "/d-unreadable.jsonl", contents: Data(good.utf8))
            chmod(inputs + "/d-unreadable.jsonl", 0)
        }

        let directory = TestSupport.temporaryDirectory("lime-bad-out")
        let result = try TestSupport.run([TestSupport.limeBinary, "run", "--input", inputs, "--output", directory,
                                          "--tokenizer", TestSupport.tokenizerPath, "--annotator", Self.annotator,
                                          "--workers", "2", "--unit-documents", "500"])
        #expect(result.status == 3, "exit status 3 means: completed, with quarantined records\n\(result.stderr)")
        let store = try ProvenanceStore(path: directory + "/provenance.sqlite")
        let quarantined = try store.quarantined()
        func reason(_ file: String, _ line: Int) -> String? {
            quarantined.first { $0.path.hasSuffix(file) && $0.line == line }?.reason
        }
        #expect(reason("a-mixed.jsonl", 2)?.hasPrefix("invalid JSON") == true)
        #expect(reason("a-mixed.jsonl", 3) == "missing text field 'text'")
        #expect(reason("a-mixed.jsonl", 4)?.hasPrefix("empty document") == true)
        #expect(reason("b-utf8.jsonl", 2)?.hasPrefix("invalid UTF-8") == true)
        let truncation = quarantined.first { $0.path.hasSuffix("c-truncated.jsonl.zst") }
        #expect(truncation?.reason.contains("truncated zstd stream") == true)
        let unreadable = quarantined.first { $0.path.hasSuffix("d-unreadable.jsonl") }
        #expect(unreadable?.reason.contains("cannot open") == true || unreadable?.reason.contains("read error") == true)
        #expect(result.stdout.contains("quarantined: \(quarantined.count)"))

        let manifest = try Manifest.read(from: directory)
        var ids: [String] = []
        for shard in manifest.shards {
            ids += try ShardReader(path: Manifest.shardPath(shard.file, in: directory)).documentIDs()
        }
        #expect(Array(ids.prefix(4)) == ["g1", "g2", "g3", "g4"])
        let kept = ids.filter { $0.hasPrefix("z") }
        #expect(kept.count > 1000 && kept.count < 12000)
        #expect(kept == (0..<kept.count).map { "z\($0)" }, "every complete record before the truncation is kept, in order")
        #expect(ids.count == 4 + kept.count, "nothing but the bad records is missing")
    }

    @Test func secondRunOnTheSameDirectoryIsRefused() throws {
        let directory = TestSupport.temporaryDirectory("lime-lock")
        let lock = try RunLock(directory: directory)
        #expect {
            _ = try runPipeline([TestSupport.fixture("real-text.jsonl")], directory, config())
        } throws: { error in
            "\(error)".contains("in use by another lime run (pid \(getpid()))")
        }
        withExtendedLifetime(lock) {}
    }

    @Test func resumeAfterKillGivesIdenticalBytes() throws {
        let input = TestSupport.fixture("real-text.jsonl")
        func arguments(_ directory: String) -> [String] {
            [TestSupport.limeBinary, "run", "--input", input, "--output", directory, "--tokenizer", TestSupport.tokenizerPath,
             "--annotator", Self.annotator, "--workers", "2", "--unit-documents", "3"]
        }
        let reference = TestSupport.temporaryDirectory("lime-resume-ref")
        let started = Date()
        let first = try TestSupport.run(arguments(reference))
        #expect(first.status == 0, "\(first.stderr)")
        let duration = Date().timeIntervalSince(started)
        let expected = TestSupport.outputBytes(reference)
        #expect(expected.count > 10)

        for fraction in [0.2, 0.45, 0.7, 0.9] {
            let directory = TestSupport.temporaryDirectory("lime-resume")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: arguments(directory)[0])
            process.arguments = Array(arguments(directory).dropFirst())
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(duration * fraction * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let partial = TestSupport.outputBytes(directory).count
            let rerun = try TestSupport.run(arguments(directory))
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(TestSupport.outputBytes(directory) == expected, "kill at \(fraction) of the run (\(partial) files written) then resume")
            let store = try ProvenanceStore(path: directory + "/provenance.sqlite")
            #expect(try store.status().documents == TestSupport.documents.count, "no document lost or duplicated")
        }
    }
}
