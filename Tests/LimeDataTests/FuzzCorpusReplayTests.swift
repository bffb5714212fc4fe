import Foundation
import LimeSupport
import Testing
@testable import LimeData

/// The committed fuzz seeds (real files made by `Tests/Fuzz/make_seeds.py`) read cleanly,
/// and every committed crash input (`Tests/Fuzz/regressions/TARGET`) is now refused with an
/// error naming it or read, without a trap.
@Suite struct FuzzCorpusReplayTests {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func files(_ kind: String, _ target: String) -> [String] {
        let directory = fuzz.appendingPathComponent(kind).appendingPathComponent(target).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    @Test func seedShardsAndManifestsAreValid() throws {
        #expect(!Self.files("seeds", "shard").isEmpty)
        for path in Self.files("seeds", "shard") {
            let reader = try ShardReader(path: path)
            try reader.verify()
            #expect(try reader.documents().count == reader.documentCount)
        }
        for path in Self.files("seeds", "manifest") {
            _ = try Manifest.decode(Data(contentsOf: URL(fileURLWithPath: path)), path: path)
        }
    }

    @Test func seedTokenizersLoadAndEncode() throws {
        #expect(Self.files("seeds", "tokenizer").count >= 3)
        for path in Self.files("seeds", "tokenizer") {
            let tokenizer = try TokenizerLoader.load(path: path)
            #expect(tokenizer.decodeBytes(try tokenizer.encode("The cat sat.")) == Array("The cat sat.".utf8), "\(path)")
        }
    }

    func expectNamedOrRead(_ path: String, _ body: () throws -> Void) {
        do { try body() } catch { #expect("\(error)".contains(path), "\(error)") }
    }

    @Test func regressionInputsAreRefusedOrRead() {
        for path in Self.files("regressions", "shard") {
            expectNamedOrRead(path) {
                let reader = try ShardReader(path: path)
                _ = try reader.documents()
                try reader.verify()
            }
        }
        for path in Self.files("regressions", "manifest") {
            expectNamedOrRead(path) { _ = try Manifest.decode(Data(contentsOf: URL(fileURLWithPath: path)), path: path) }
        }
        for path in Self.files("regressions", "tokenizer") {
            expectNamedOrRead(path) {
                let tokenizer = try TokenizerLoader.load(path: path)
                _ = try tokenizer.encode("The cat sat. <|endoftext|> naïve café")
            }
        }
    }
}
