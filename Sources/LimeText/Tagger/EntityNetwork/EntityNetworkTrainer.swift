import Foundation
import LimeCompute

/// Training settings of the entity network.
public struct EntityNetworkOptions: Sendable {
    /// Tokens on each side of the scored one.
    public var window = 3
    /// Whether the networks read the previous label and the entity's first token
    /// (decoded greedily) instead of scoring tokens independently (Viterbi).
    public var history = false
    /// Whether the window ends at the scored token (`EntityNetwork.causal`: left context only).
    public var causal = false
    /// Width of one attribute's embedding.
    public var embedding = 64
    /// Width of the token vector.
    public var tokenWidth = 128
    /// Width of the two hidden layers.
    public var hidden = 128
    public var epochs = 4
    /// Adam's learning rate after a short warm-up; it falls linearly to zero over the run.
    public var learningRate: Float = 2e-3
    /// Tokens per optimization step, whitespace and unlabelled ones included (documents are
    /// cut into pieces of at most this; the loss is the mean over the labelled ones).
    public var batchTokens = 512
    /// Seed of the initial weights and of the per-epoch document shuffle.
    public var seed: UInt64 = 1
    /// Threads of the matrix products (results do not depend on it).
    public var threads = 1
    /// Probability of zeroing a token vector or hidden unit in training (regularization).
    public var dropout: Float = 0
    /// Initial embedding tables: spaCy's own (`SpacyEmbeddings`), `embedding` wide, so the
    /// network starts from what spaCy's recognizer learned about each row. Nil: random.
    public var initialEmbeddings: SpacyEmbeddings?
    /// Keep the embedding tables as initialized (train the layers above them only).
    public var freezeEmbeddings = false
    public init() {}
}

/// Trains an `EntityNetwork` on documents with entity labels (spaCy's, for a student of
/// spaCy): per-token cross-entropy, mini-batches of document pieces, Adam, the project's
/// SIMD matrix products. Deterministic: seeded initialization and shuffle, and matrix
/// products whose results do not depend on the thread count.
public final class EntityNetworkTrainer {
    /// One document prepared for training: all its tokens' spaCy rows, whitespace marks
    /// and labels (-1: no label, not trained on).
    struct Example {
        var rows: [SpacyBuckets.Rows]
        var labels: [Int8]
        /// Per token, for networks with history (teacher forcing): the previous token's
        /// label (`O` after whitespace or an unlabelled token) and the index of the first
        /// token of the entity that label continues (-1 when it is `O`).
        var previous: [Int8] = []
        var entityStart: [Int32] = []
    }

    /// A piece of a document in a batch: its tokens `start..<end` are scored.
    struct Piece {
        var example: Int
        var start: Int
        var end: Int
    }

    public let options: EntityNetworkOptions

    public init(options: EntityNetworkOptions = EntityNetworkOptions()) { self.options = options }

    /// Prepares the documents that carry entity labels.
    static func examples(_ documents: [TaggedDocument]) -> [Example] {
        let cache = SpacyRowCache()
        var out: [Example] = []
        for doc in documents {
            guard let ner = doc.ner else { continue }
            var example = Example(rows: [], labels: [])
            var previous: Int8 = 0, entityStart: Int32 = -1
            example.rows.reserveCapacity(doc.count)
            doc.text.withUnsafeBufferPointer { text in
                for i in 0..<doc.count {
                    let start = Int(doc.starts[i]), count = Int(doc.ends[i] - doc.starts[i])
                    let bytes = text.baseAddress! + start
                    let space = isWhitespaceToken(bytes, count)
                    example.rows.append(cache.rows(bytes, count))
                    let c = Int(ner[i]) - TaggerClasses.offset
                    let label: Int8 = !space && c >= 0 && c < TaggerClasses.ner ? Int8(c) : -1
                    example.labels.append(label)
                    example.previous.append(previous)
                    example.entityStart.append(previous == 0 ? -1 : entityStart)
                    if label > 0 && (label & 1 == 1 || !TaggerClasses.validEntity(Int(label), after: Int(previous))) { entityStart = Int32(i) }
                    previous = max(label, 0)
                }
            }
            out.append(example)
        }
        return out
    }

    /// Trains `count` networks with seeds `seed`, `seed + 1`, ... side by side (one thread
    /// each; the matrix products of each use `threads / count` threads, at least one).
    public func trainEnsemble(_ documents: [TaggedDocument], count: Int,
                              progress: @escaping @Sendable (String) -> Void = { _ in }) -> [EntityNetwork] {
        let examples = Self.examples(documents)
        let results = EnsembleResults(count: max(1, count))
        DispatchQueue.concurrentPerform(iterations: max(1, count)) { k in
            var options = self.options
            options.seed = self.options.seed &+ UInt64(k)
            options.threads = max(1, self.options.threads / max(1, count))
            let network = EntityNetworkTrainer(options: options).train(examples: examples) {
                progress(count > 1 ? "network \(k + 1): \($0)" : $0)
            }
            results.set(k, network)
        }
        return results.networks
    }

    /// Trains a network on `documents`; `progress` receives one line per epoch.
    public func train(_ documents: [TaggedDocument], progress: (String) -> Void = { _ in }) -> EntityNetwork {
        train(examples: Self.examples(documents), progress: progress)
    }

    func train(examples: [Example], progress: (String) -> Void) -> EntityNetwork {
        let labelled = examples.reduce(0) { $0 + $1.labels.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
        progress("entity network: \(examples.count) documents, \(labelled) labelled tokens; window \(options.window), widths \(options.embedding)/\(options.tokenWidth)/\(options.hidden), history \(options.history), causal \(options.causal), dropout \(options.dropout)")
        var network = EntityNetwork(window: options.window, embedding: options.embedding, tokenWidth: options.tokenWidth,
                                    hidden: options.hidden, history: options.history, causal: options.causal, seed: options.seed)
        if let tables = options.initialEmbeddings { network.setEmbeddings(tables) }
        let pass = EntityNetworkPass(network: network, threads: options.threads)
        // Frozen tables: neither their gradients nor their optimizer state exist.
        let frozen = options.freezeEmbeddings ? network.layout.mix : 0
        let optimizer = Adam(count: pass.network.parameterCount - frozen, beta1: 0.9, beta2: 0.999, eps: 1e-8, maxGradNorm: 5)
        var rng = SplitMix64(seed: options.seed &+ 1)
        var order = Array(examples.indices)
        let perEpoch = max(1, labelled / max(1, options.batchTokens))
        let totalSteps = perEpoch * max(1, options.epochs)
        let warmup = min(200, totalSteps / 10)
        var step = 0
        for epoch in 1...max(1, options.epochs) {
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            var loss: Double = 0, right = 0, count = 0
            let started = Date()
            var batch: [Piece] = [], batchTokens = 0
            func flush() {
                guard !batch.isEmpty else { return }
                step += 1
                let scale = step <= warmup ? Float(step) / Float(max(1, warmup))
                    : max(0, 1 - Float(step - warmup) / Float(max(1, totalSteps - warmup)))
                let result = pass.step(examples, batch, dropout: options.dropout, seed: options.seed &+ UInt64(step) &* 0x9e37,
                                       embeddingGradients: !options.freezeEmbeddings)
                loss += result.loss
                right += result.right
                count += result.count
                pass.network.parameters.withUnsafeMutableBufferPointer { p in
                    optimizer.update(p.baseAddress! + frozen, pass.gradients + frozen,
                                     learningRate: options.learningRate * max(scale, 0.01))
                }
                batch.removeAll(keepingCapacity: true)
                batchTokens = 0
            }
            for d in order {
                let n = examples[d].labels.count
                var start = 0
                while start < n {
                    let end = min(n, start + options.batchTokens)
                    batch.append(Piece(example: d, start: start, end: end))
                    batchTokens += end - start
                    if batchTokens >= options.batchTokens { flush() }
                    start = end
                }
            }
            flush()
            let seconds = Date().timeIntervalSince(started)
            progress(String(format: "entity network epoch %d: loss %.4f, token accuracy %.2f%% (%d tokens, %.0f tokens/s)",
                            epoch, loss / Double(max(count, 1)), 100 * Double(right) / Double(max(count, 1)), count,
                            Double(count) / max(seconds, 1e-9)))
        }
        return pass.network
    }
}

/// The networks of an ensemble, filled by concurrent trainers.
private final class EnsembleResults: @unchecked Sendable {
    private var slots: [EntityNetwork?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ k: Int, _ network: EntityNetwork) { lock.lock(); slots[k] = network; lock.unlock() }
    var networks: [EntityNetwork] { slots.map { $0! } }
}
