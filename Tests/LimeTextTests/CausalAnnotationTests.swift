import Foundation
import LimeSupport
import Testing
@testable import LimeText

/// Causal annotation (`AnnotationContext.causal`): a token's tags depend only on the text up
/// to and including it. Small models trained here, causal and full-context side by side.
@Suite struct CausalAnnotationTests {
    /// A tag/UPOS model and an entity network trained on small data in `context`.
    static func model(_ context: AnnotationContext) throws -> TaggerModel {
        var docs = try TaggerModelFileTests.smallModel().1
        docs += NameFrames.documents().train
        var options = TaggerTrainingOptions()
        options.epochs = 2
        options.context = context
        let base = TaggerTrainer(options: options).train(docs)
        var entity = EntityNetworkTests.nameOptions(epochs: 12, history: true)
        entity.causal = context == .causal
        let network = EntityNetworkTrainer(options: entity).train(NameFrames.documents().train)
        return base.withEntityNetworks([network], description: "test \(context.rawValue)")
    }

    static let causal = try! model(.causal)
    static let full = try! model(.full)

    /// Word sequences to cut and change: the name frames' documents and (where the data is
    /// present) EWT text.
    static func wordSequences() throws -> [[String]] {
        let frames = NameFrames.documents()
        let docs = frames.test + frames.train + Array(try TaggerModelFileTests.smallModel().1.prefix(40))
        return docs.map { doc in
            (0..<doc.count).map { String(decoding: doc.text[Int(doc.starts[$0])..<Int(doc.ends[$0])], as: UTF8.self) }
        }.filter { $0.count >= 4 }
    }

    /// For every sequence and cut i, the words after i replaced by another sequence's
    /// words: the number of (sequence, cut) pairs where some token up to i changed a label.
    static func changedPrefixes(_ model: TaggerModel) throws -> (changed: Int, checked: Int) {
        let annotator = NativeAnnotator(model: model, modelSHA256: "test")
        let sequences = try wordSequences()
        var changed = 0, checked = 0
        for (k, words) in sequences.enumerated() {
            let original = annotator.annotate(.words(words))
            let other = sequences[(k + 7) % sequences.count]
            for cut in stride(from: 0, to: words.count - 1, by: max(1, words.count / 6)) {
                // Later words: another document's, reversed (capitalized names, other punctuation).
                let changedWords = Array(words[...cut]) + other.reversed()
                let again = annotator.annotate(.words(changedWords))
                checked += 1
                let labels = { (t: AnnotatedToken) in [t.tag, t.pos, t.ner] }
                if original[...cut].map(labels) != again[...cut].map(labels) { changed += 1 }
            }
        }
        return (changed, checked)
    }

    /// The causal model: changing the text after token i never changes any label up to i.
    @Test func laterTextNeverChangesEarlierTags() throws {
        #expect(Self.causal.context == .causal)
        #expect(Self.causal.entityNetworks.allSatisfy { $0.causal })
        let result = try Self.changedPrefixes(Self.causal)
        #expect(result.checked > 100)
        #expect(result.changed == 0, "\(result.changed) of \(result.checked) prefixes changed")
    }

    /// The control that shows the check can fail: full-context tags do depend on later text.
    @Test func fullContextTagsDependOnLaterText() throws {
        let result = try Self.changedPrefixes(Self.full)
        #expect(result.changed > 0, "no prefix of \(result.checked) changed with a full-context model")
    }

    /// Raw text: a token's labels are those it gets when the text ends right after it (with
    /// the whitespace that follows it), for every token of a sentence.
    @Test func everyTokenIsTaggedAsIfTheTextEndedThere() throws {
        let annotator = NativeAnnotator(model: Self.causal, modelSHA256: "test")
        let text = "Yesterday Maria Lopez flew from Paris to Boston, and John Smith said it was cold."
        let whole = annotator.annotate(.text(text))
        let utf8 = Array(text.utf8)
        for (i, token) in whole.enumerated() {
            let end = Int(token.end) + (Int(token.end) < utf8.count && utf8[Int(token.end)] == 32 ? 1 : 0)
            let prefix = annotator.annotate(.text(String(decoding: utf8[..<end], as: UTF8.self)))
            #expect(Array(prefix.prefix(i + 1)) == Array(whole.prefix(i + 1)), "token \(i)")
        }
    }

    /// Causal labels stay useful: the entities of the name frames' test documents are found
    /// about as well as by the full-context model (which also sees the words after a name).
    @Test func causalEntitiesAreStillFound() throws {
        func found(_ model: TaggerModel) -> (Int, Int) {
            var found = 0, gold = 0
            for doc in NameFrames.documents().test {
                let tokens = model.annotate(text: doc.text, spans: doc.spans)
                for (t, g) in zip(tokens, doc.ner ?? []) where TagSets.ner.label(g) != "O" {
                    gold += 1
                    if t.ner == g { found += 1 }
                }
            }
            return (found, gold)
        }
        let (causal, gold) = found(Self.causal), (full, _) = found(Self.full)
        print("entity tokens found: causal \(causal), full \(full) of \(gold)")
        #expect(gold > 0 && Double(causal) / Double(gold) > 0.6, "\(causal) of \(gold) entity tokens")
    }

    /// The context is stored in the model file; a file whose networks are of the other
    /// context is refused by name, and the fingerprint says causal.
    @Test func contextRoundTripsThroughTheModelFile() throws {
        let bytes = try Self.causal.serialized()
        let loaded = try TaggerModel.load(bytes: bytes, name: "causal.lmtag")
        #expect(loaded.context == .causal)
        #expect(loaded.entityNetworks.count == 1 && loaded.entityNetworks[0].causal && loaded.entityNetworks[0].history)
        #expect(try loaded.serialized() == bytes)
        #expect(NativeAnnotator(model: loaded, modelSHA256: "x").fingerprint["annotation_context"] == "causal")
        #expect(NativeAnnotator(model: Self.full, modelSHA256: "x").fingerprint["annotation_context"] == nil)
        // The context byte is the payload's last: set it to full.
        var payload = try bytes.withUnsafeBytes { try Zstd.decompress(UnsafeRawBufferPointer(rebasing: $0[24...])) }
        #expect(payload.last == 1)
        payload[payload.count - 1] = 0
        var w = ByteWriter()
        w.write(bytes: TaggerModel.magic)
        w.write(TaggerModel.formatVersion)
        w.write(TaggerModel.featureVersion)
        w.write(UInt64(payload.count))
        w.write(bytes: try Zstd.compress(payload))
        let file = w.bytes
        let error = #expect(throws: TaggerModelError.self) { _ = try TaggerModel.load(bytes: file, name: "mixed.lmtag") }
        #expect(error?.description.contains("mixed.lmtag") == true)
        #expect(error?.description.contains("causal in a full-context model") == true)
    }

    /// The shipped causal model is causal, tags a sentence, and later text never changes its
    /// earlier labels (while it does change the shipped full-context model's).
    @Test func shippedCausalModelIsCausal() throws {
        let model = try ShippedTaggerModel.shared(.causal)
        #expect(model.context == .causal && !model.entityNetworks.isEmpty && model.entityNetworks.allSatisfy { $0.causal })
        let tokens = try NativeAnnotator(context: .causal).annotate(.text("Maria Lopez moved to Paris last year."))
        #expect(tokens.count == 8)
        #expect(TagSets.ner.label(tokens[0].ner) == "B-PERSON")
        #expect(try ShippedTaggerModel.shared(.full).context == .full)
        // The shipped model passes the same independence check as the small one.
        let result = try Self.changedPrefixes(model)
        #expect(result.checked > 100 && result.changed == 0, "\(result.changed) of \(result.checked) prefixes changed")
        #expect(try Self.changedPrefixes(ShippedTaggerModel.shared(.full)).changed > 0)
    }
}
