import ArgumentParser
import Foundation
import LimeData
import LimeSupport
import LimeText

/// `lime inspect SHARD`: header, sections and the first tokens with their tags.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a shard's header, sections and first tokens.")

    @Argument(help: "A shard file.")
    var shard: String
    @Option(name: .long, help: "How many tokens to show.")
    var tokens = 20
    @Option(name: .long, help: "Tokenizer model, to show pieces (default: none).")
    var tokenizer: String?

    func run() throws {
        let reader = try ShardReader(path: shard)
        print("\(shard): lime shard v\(reader.version)")
        print("  documents: \(reader.documentCount), tokens: \(reader.tokenCount), vocab: \(reader.vocabSize), ids: \(reader.tokensAreU32 ? "u32" : "u16")")
        print("  tokenizer sha256: \(Hashing.hex(reader.tokenizerSHA256))")
        print("  tagsets sha256:   \(Hashing.hex(reader.tagsetSHA256))")
        for entry in reader.sections {
            let name = ShardFormat.Section(rawValue: entry.kind)?.name ?? "kind \(entry.kind)"
            print("  section \(name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(entry.count) x \(entry.elementSize) B -> \(entry.length) B compressed")
        }
        try reader.verify()
        print("  checksums: ok")
        let model = try tokenizer.map { try TokenizerLoader.load(path: $0) }
        guard let first = try reader.documents().first else { return }
        print("  first document: \(first.id)")
        for index in 0..<min(tokens, first.count) {
            let id = first.tokens[index]
            let piece = model.map { $0.pieces[Int(id)] } ?? ""
            print("    \(String(id).padding(toLength: 6, withPad: " ", startingAt: 0)) \(piece.padding(toLength: 14, withPad: " ", startingAt: 0)) \(TagSets.tag.label(first.tag[index]).padding(toLength: 6, withPad: " ", startingAt: 0)) \(TagSets.pos.label(first.pos[index]).padding(toLength: 6, withPad: " ", startingAt: 0)) \(TagSets.ner.label(first.ner[index]))\(first.wordStart[index] == 1 ? "" : "  (continues word)")")
        }
    }
}
