import Foundation
import Testing
@testable import LimeText

@Suite struct EntityNetworkTests {
    /// Annotates `doc` with `model` and checks the entity labels are valid IOB2.
    static func annotateValid(_ model: TaggerModel, _ doc: TaggedDocument) -> TaggedDocument {
        let tokens = model.annotate(text: doc.text, spans: doc.spans)
        var previous = "O"
        for t in tokens {
            let label = TagSets.ner.label(t.ner)
            if label.hasPrefix("I-") { #expect(previous.dropFirst(2) == label.dropFirst(2), "invalid IOB2 \(previous) -> \(label)") }
            previous = label
        }
        return TaggedDocument(source: doc.source, text: doc.text, tokens: tokens)
    }

    static func trainedOnNames(epochs: Int = 30) throws -> (TaggerModel, [TaggedDocument]) {
        let (train, test) = NameFrames.documents()
        var options = EntityNetworkOptions()
        options.epochs = epochs
        options.window = 2
        options.hidden = 32
        options.learningRate = 0.05
        let network = EntityNetworkTrainer(options: options).train(train)
        let base = try TaggerModelFileTests.smallModel().0
        return (base.withEntityNetwork(network, description: "names"), test)
    }

    /// Trained on sentences with person and city names, the network marks unseen names in
    /// sentences of the same shape, through spaCy's hashed rows of unseen words.
    @Test func learnsEntitiesOfUnseenNames() throws {
        let (model, test) = try Self.trainedOnNames()
        var evaluation = TaggerEvaluation()
        for doc in test { evaluation.add(reference: doc, predicted: Self.annotateValid(model, doc)) }
        #expect(evaluation.referenceEntities == 11)
        #expect(evaluation.entityF1 >= 0.8, "entity F1 \(evaluation.entityF1)")
    }

    /// Training is deterministic; the model file keeps the network (Float16) and
    /// reloading gives the same bytes and the same annotations.
    @Test func deterministicTrainingAndFileRoundTrip() throws {
        let (a, test) = try Self.trainedOnNames(epochs: 3)
        let (b, _) = try Self.trainedOnNames(epochs: 3)
        #expect(a.network == b.network)
        let bytes = try a.serialized()
        let loaded = try TaggerModel.load(bytes: bytes, name: "memory")
        #expect(try loaded.serialized() == bytes)
        #expect(loaded.network?.parameterCount == a.network?.parameterCount)
        #expect(loaded.network?.window == 2 && loaded.network?.hidden == 32)
        // Float16 storage: the loaded weights equal the trained ones rounded.
        let rounded = a.network!.table.prefix(1000).map { Float(Float16($0)) }
        #expect(Array(loaded.network!.table.prefix(1000)) == rounded)
        for doc in test {
            let x = loaded.annotate(text: doc.text, spans: doc.spans).map(\.ner)
            let y = a.annotate(text: doc.text, spans: doc.spans).map(\.ner)
            #expect(x == y)
        }
        // The perceptron entity models are dropped; tags are unchanged.
        #expect(loaded.nerWeights.keys.isEmpty && loaded.previewWeights.keys.isEmpty)
        let base = try TaggerModelFileTests.smallModel().0
        let doc = test[0]
        #expect(loaded.annotate(text: doc.text, spans: doc.spans).map(\.tag) == base.annotate(text: doc.text, spans: doc.spans).map(\.tag))
    }

    /// Decoding picks the best valid IOB2 sequence: a network that prefers `I-PERSON`
    /// everywhere yields `B-PERSON I-PERSON ...`, restarted after a whitespace token
    /// (which is `O`).
    @Test func viterbiKeepsIOB2ValidAcrossWhitespace() throws {
        var network = EntityNetwork(window: 1, hidden: 4, seed: 3)
        network.table = network.table.map { _ in 0 }
        network.weights3 = network.weights3.map { _ in 0 }
        let b = Int(TagSets.ner.id("B-PERSON")) - TagSet.reserved.count
        network.bias3[b + 1] = 5
        network.bias3[b] = 1
        let base = try TaggerModelFileTests.smallModel().0
        let model = base.withEntityNetwork(network, description: "")
        let text = Array("Ann Lee Ray\n\nBo Li".utf8)
        let spans: [(start: Int32, end: Int32)] = [(0, 3), (4, 7), (8, 11), (11, 13), (13, 15), (16, 18)]
        let labels = model.annotate(text: text, spans: spans).map { TagSets.ner.label($0.ner) }
        #expect(labels == ["B-PERSON", "I-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON"])
    }
}
