import Foundation
import Testing
@testable import LimeText

@Suite struct EntityNetworkTests {
    /// Small networks for the name sentences.
    static func nameOptions(epochs: Int, history: Bool, seed: UInt64 = 1) -> EntityNetworkOptions {
        var options = EntityNetworkOptions()
        options.epochs = epochs
        options.window = 2
        options.history = history
        options.embedding = 16
        options.tokenWidth = 32
        options.hidden = 32
        options.batchTokens = 64
        options.learningRate = 1e-2
        options.seed = seed
        return options
    }

    static func trainedOnNames(epochs: Int = 30, history: Bool = false) throws -> (TaggerModel, [TaggedDocument]) {
        let (train, test) = NameFrames.documents()
        let network = EntityNetworkTrainer(options: nameOptions(epochs: epochs, history: history)).train(train)
        let base = try TaggerModelFileTests.smallModel().0
        return (base.withEntityNetworks([network], description: "names"), test)
    }

    /// Trained on sentences with person and city names, the network marks unseen names in
    /// sentences of the same shape, through spaCy's hashed rows of unseen words.
    @Test(arguments: [false, true]) func learnsEntitiesOfUnseenNames(history: Bool) throws {
        let (model, test) = try Self.trainedOnNames(epochs: 40, history: history)
        var evaluation = TaggerEvaluation()
        for doc in test { evaluation.add(reference: doc, predicted: NameFrames.annotateValid(model, doc)) }
        #expect(evaluation.referenceEntities == 11)
        #expect(evaluation.entityF1 >= 0.8, "entity F1 \(evaluation.entityF1)")
    }

    /// Training is deterministic; the model file keeps the network (Float16) and
    /// reloading gives the same bytes and the same annotations.
    @Test func deterministicTrainingAndFileRoundTrip() throws {
        let (a, test) = try Self.trainedOnNames(epochs: 3)
        let (b, _) = try Self.trainedOnNames(epochs: 3)
        #expect(a.entityNetworks == b.entityNetworks)
        let bytes = try a.serialized()
        let loaded = try TaggerModel.load(bytes: bytes, name: "memory")
        #expect(try loaded.serialized() == bytes)
        #expect(loaded.entityNetworks.count == 1)
        let network = try #require(loaded.entityNetworks.first)
        #expect(network.parameterCount == a.entityNetworks[0].parameterCount)
        #expect(network.window == 2 && network.hidden == 32 && network.tokenWidth == 32)
        // Float16 storage: the loaded weights equal the trained ones rounded.
        #expect(network.parameters == a.entityNetworks[0].parameters.map { Float(Float16($0)) })
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
        var network = EntityNetwork(window: 1, embedding: 2, tokenWidth: 3, hidden: 4, seed: 3)
        let layout = network.layout
        for k in layout.weights3..<layout.count { network.parameters[k] = 0 }
        let b = Int(TagSets.ner.id("B-PERSON")) - TagSet.reserved.count
        network.parameters[layout.bias3 + b + 1] = 5
        network.parameters[layout.bias3 + b] = 1
        let base = try TaggerModelFileTests.smallModel().0
        let model = base.withEntityNetworks([network], description: "")
        let text = Array("Ann Lee Ray\n\nBo Li".utf8)
        let spans: [(start: Int32, end: Int32)] = [(0, 3), (4, 7), (8, 11), (11, 13), (13, 15), (16, 18)]
        let labels = model.annotate(text: text, spans: spans).map { TagSets.ner.label($0.ner) }
        #expect(labels == ["B-PERSON", "I-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON"])
    }

    /// The batched backward pass matches finite differences of the loss, for parameters
    /// of every layer (embedding rows, mixing, window, dense layers and biases), without
    /// and with dropout (a fixed seed gives the same masks to every evaluation).
    @Test(arguments: [(Float(0), false, false), (0.3, false, false), (0, true, false), (0, true, true)])
    func gradientsMatchFiniteDifferences(dropout: Float, history: Bool, causal: Bool) throws {
        let (train, _) = NameFrames.documents()
        let examples = EntityNetworkTrainer.examples(Array(train.prefix(3)))
        let pieces = examples.indices.map { EntityNetworkTrainer.Piece(example: $0, start: 0, end: examples[$0].labels.count) }
        var network = EntityNetwork(window: 1, embedding: 4, tokenWidth: 6, hidden: 8, history: history, causal: causal, seed: 7)
        // Nonzero biases: with zero ones, a token whose inputs are all dropped sits exactly
        // on a ReLU kink, where finite differences and the gradient legitimately differ.
        let layout = network.layout
        for (k, range) in [layout.mixBias..<layout.windowWeights, layout.bias1..<layout.weights2, layout.bias2..<layout.weights3].enumerated() {
            for i in range { network.parameters[i] = Float((i * 7 + k) % 11) / 50 - 0.1 }
        }
        let pass = EntityNetworkPass(network: network, threads: 1)
        let count = layout.count
        func loss() -> Double {
            let r = pass.step(examples, pieces, dropout: dropout, seed: 11)
            pass.gradients.update(repeating: 0, count: count)
            return r.loss / Double(r.count)
        }
        pass.gradients.update(repeating: 0, count: count)
        _ = pass.step(examples, pieces, dropout: dropout, seed: 11)
        let analytic = Array(UnsafeBufferPointer(start: pass.gradients, count: count))
        pass.gradients.update(repeating: 0, count: count)
        // Parameters with a nonzero gradient in each group (embedding rows the batch uses).
        var groups: [[Int]] = [layout.embeddings..<layout.mix, layout.mix..<layout.mixBias, layout.mixBias..<layout.windowWeights,
                      layout.windowWeights..<layout.bias1, layout.bias1..<layout.labels, layout.weights2..<layout.bias2,
                      layout.bias2..<layout.weights3, layout.weights3..<layout.bias3, layout.bias3..<count].map { Array($0) }
        if history {
            // The label embeddings, and the entity-start block of the window weights (the
            // last `hidden` columns of each token-vector row).
            groups.append(Array(layout.labels..<layout.weights2))
            let width = network.windowWidth
            var startBlock: [Int] = []
            for u in 0..<6 {
                let rowEnd = layout.windowWeights + (u + 1) * width
                startBlock += Array((rowEnd - 8)..<rowEnd)
            }
            groups.append(startBlock)
        }
        var checked = 0, outside = 0
        for group in groups {
            let indices = group.sorted { abs(analytic[$0]) > abs(analytic[$1]) }.prefix(4)
            #expect(abs(analytic[indices.first!]) > 1e-3, "no gradient in \(group)")
            for k in indices {
                // Central differences at two step sizes: a ReLU kink within one step of some
                // token's pre-activation spoils one of them (biases move every token at once).
                let saved = pass.network.parameters[k]
                var errors: [Double] = []
                for eps: Float in [1e-3, 3e-4] {
                    pass.network.parameters[k] = saved + eps
                    let up = loss()
                    pass.network.parameters[k] = saved - eps
                    let down = loss()
                    pass.network.parameters[k] = saved
                    let numeric = (up - down) / Double(2 * eps)
                    // Float loss: differences carry noise of a few 1e-4.
                    let tolerance = 0.05 * max(abs(numeric), abs(Double(analytic[k]))) + 5e-4 * Double(1e-3 / eps)
                    errors.append(abs(numeric - Double(analytic[k])) / tolerance)
                }
                // A wrong gradient misses by far more (a missing dropout factor by about 9x);
                // a kink may spoil a rare bias check (biases move every token at once).
                #expect(errors.min()! <= 3, "parameter \(k): analytic \(analytic[k]), error/tolerance \(errors)")
                if errors.min()! > 1 { outside += 1 }
                checked += 1
            }
        }
        #expect(checked >= 20)
        #expect(outside <= 2, "\(outside) of \(checked) checks outside the tolerance")
    }

    /// An ensemble averages its networks' log-probabilities: two copies of one network label
    /// exactly as the network alone; networks of different windows combine, stay valid
    /// IOB2 and survive the file round trip.
    @Test func ensembleAveragesNetworks() throws {
        let (single, test) = try Self.trainedOnNames(epochs: 3)
        let network = single.entityNetworks[0]
        let base = try TaggerModelFileTests.smallModel().0
        let twice = base.withEntityNetworks([network, network], description: "")
        for doc in test {
            #expect(twice.annotate(text: doc.text, spans: doc.spans).map(\.ner) == single.annotate(text: doc.text, spans: doc.spans).map(\.ner))
        }
        var options = EntityNetworkOptions()
        options.window = 1
        options.embedding = 8
        options.tokenWidth = 16
        options.hidden = 16
        options.epochs = 3
        let narrow = EntityNetworkTrainer(options: options).train(NameFrames.documents().train)
        let mixed = base.withEntityNetworks([network, narrow], description: "")
        let loaded = try TaggerModel.load(bytes: try mixed.serialized(), name: "memory")
        #expect(loaded.entityNetworks.map(\.window) == [2, 1])
        for doc in test { _ = NameFrames.annotateValid(loaded, doc) }
    }

    /// An exported spaCy embedding file: magic, u32 width, rows (values: (row * 10 + lane) * scale).
    static func embeddingFile(width: Int, rows: Int = SpacyEmbeddings.rowCount, magic: String = "LIMESPEM",
                              scale: Float = 1) -> [UInt8] {
        var bytes = Array(magic.utf8) + withUnsafeBytes(of: UInt32(width).littleEndian, Array.init)
        for r in 0..<rows {
            for k in 0..<width { bytes += withUnsafeBytes(of: (Float(r * 10 + k) * scale).bitPattern.littleEndian, Array.init) }
        }
        return bytes
    }

    /// spaCy's tables load from their export and land on the rows `SpacyBuckets` selects
    /// (padding rows zero); bad files are refused, naming the file.
    @Test func spacyEmbeddingsLoadIntoTheNetworkRows() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lime-embeddings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tables.bin").path
        try Data(Self.embeddingFile(width: 3)).write(to: URL(fileURLWithPath: path))
        let tables = try SpacyEmbeddings.load(path: path)
        #expect(tables.width == 3)
        var network = EntityNetwork(window: 1, embedding: 3, tokenWidth: 4, hidden: 4, seed: 1)
        network.setEmbeddings(tables)
        let p = network.parameters, start = network.layout.embeddings
        // Row r of attribute a (counting rows over the four tables) is file row base + r.
        var fileRow = 0
        for (a, count) in SpacyBuckets.rowCounts.enumerated() {
            for r in [0, Int(count) - 1] {
                let at = start + (EntityNetwork.attributeBase[a] + r) * 3
                #expect(Array(p[at..<(at + 3)]) == (0..<3).map { Float((fileRow + r) * 10 + $0) })
            }
            let padding = start + (EntityNetwork.attributeBase[a] + Int(count)) * 3
            #expect(Array(p[padding..<(padding + 3)]) == [0, 0, 0])
            fileRow += Int(count)
        }
        for (name, bytes) in [("magic", Self.embeddingFile(width: 2, magic: "NOTSPEMB")),
                              ("short", Array(Self.embeddingFile(width: 2).dropLast(4)))] {
            let bad = directory.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: bad))
            #expect { try SpacyEmbeddings.load(path: bad) } throws: { "\($0)".contains(bad) }
        }
    }

    /// With frozen embeddings, training leaves the tables exactly as initialized and
    /// changes the layers above them.
    @Test func frozenEmbeddingsStayAsInitialized() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lime-frozen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tables.bin").path
        try Data(Self.embeddingFile(width: 4, scale: 1e-5)).write(to: URL(fileURLWithPath: path))
        var options = EntityNetworkOptions()
        options.window = 1
        options.embedding = 4
        options.tokenWidth = 8
        options.hidden = 8
        options.epochs = 2
        options.initialEmbeddings = try SpacyEmbeddings.load(path: path)
        var initial = EntityNetwork(window: 1, embedding: 4, tokenWidth: 8, hidden: 8, seed: options.seed)
        initial.setEmbeddings(options.initialEmbeddings!)
        let l = initial.layout
        for freeze in [true, false] {
            options.freezeEmbeddings = freeze
            let trained = EntityNetworkTrainer(options: options).train(NameFrames.documents().train)
            let same = Array(trained.parameters[l.embeddings..<l.mix]) == Array(initial.parameters[l.embeddings..<l.mix])
            #expect(same == freeze)
            #expect(Array(trained.parameters[l.mix..<l.count]) != Array(initial.parameters[l.mix..<l.count]))
        }
    }

    /// With history and two networks, tokens the first network is sure are `O` skip the
    /// second: the labels equal those of full averaging (on these documents), and some
    /// tokens were indeed skipped.
    @Test func sureOutsideTokensSkipTheOtherNetworks() throws {
        let (first, test) = try Self.trainedOnNames(epochs: 20, history: true)
        let options = Self.nameOptions(epochs: 20, history: true, seed: 7)
        let second = EntityNetworkTrainer(options: options).train(NameFrames.documents().train)
        let networks = [first.entityNetworks[0], second]
        let cascade = EntityDecoder(networks: networks)
        let full = EntityDecoder(networks: networks, sureOutside: nil)
        var labelled = 0
        for doc in test {
            let rows = (0..<doc.count).map { i in
                doc.text.withUnsafeBufferPointer { SpacyBuckets.rows(UnsafeBufferPointer(rebasing: $0[Int(doc.starts[i])..<Int(doc.ends[i])])) }
            }
            let spaces = [Bool](repeating: false, count: doc.count)
            var a = [Int](repeating: -1, count: doc.count), b = a
            rows.withUnsafeBufferPointer { r in
                spaces.withUnsafeBufferPointer { s in
                    cascade.decode(rows: r, isSpace: s, into: &a)
                    full.decode(rows: r, isSpace: s, into: &b)
                }
            }
            #expect(a == b)
            labelled += a.filter { $0 != 0 }.count
        }
        #expect(labelled >= 11, "entity tokens labelled: \(labelled)")
        #expect(cascade.skipped > 0 && full.skipped == 0)
    }
}
