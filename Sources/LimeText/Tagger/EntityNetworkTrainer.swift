import Foundation

/// Training settings of the entity network.
public struct EntityNetworkOptions: Sendable {
    /// Tokens on each side of the scored one.
    public var window = 3
    /// Width of the two hidden layers.
    public var hidden = 64
    public var epochs = 4
    /// Learning rate at the start; it falls linearly to zero over the run.
    public var learningRate: Float = 0.02
    /// Seed of the initial weights and of the per-epoch document shuffle.
    public var seed: UInt64 = 1
    public init() {}
}

/// Trains an `EntityNetwork` on documents with entity labels (spaCy's, for a student of
/// spaCy) by stochastic gradient descent on the per-token cross-entropy, one token at a
/// time. Deterministic: one thread, seeded initialization and shuffle.
public final class EntityNetworkTrainer {
    /// One document prepared for training: all its tokens' spaCy rows, whitespace marks
    /// and labels (-1: no label, not trained on).
    struct Example {
        var rows: [SpacyBuckets.Rows]
        var isSpace: [Bool]
        var labels: [Int8]
    }

    public let options: EntityNetworkOptions

    public init(options: EntityNetworkOptions = EntityNetworkOptions()) { self.options = options }

    /// Prepares the documents that carry entity labels.
    static func examples(_ documents: [TaggedDocument]) -> [Example] {
        let cache = SpacyRowCache()
        var out: [Example] = []
        for doc in documents {
            guard let ner = doc.ner else { continue }
            var example = Example(rows: [], isSpace: [], labels: [])
            example.rows.reserveCapacity(doc.count)
            doc.text.withUnsafeBufferPointer { text in
                for i in 0..<doc.count {
                    let start = Int(doc.starts[i]), count = Int(doc.ends[i] - doc.starts[i])
                    let bytes = text.baseAddress! + start
                    let space = isWhitespaceToken(bytes, count)
                    let word = TokenInfo(bytes, count, afterBreak: false).word
                    example.rows.append(cache.rows(bytes, count, word: word))
                    example.isSpace.append(space)
                    let c = Int(ner[i]) - TaggerClasses.offset
                    example.labels.append(!space && c >= 0 && c < TaggerClasses.ner ? Int8(c) : -1)
                }
            }
            out.append(example)
        }
        return out
    }

    /// Trains a network on `documents`; `progress` receives one line per epoch.
    public func train(_ documents: [TaggedDocument], progress: (String) -> Void = { _ in }) -> EntityNetwork {
        let examples = Self.examples(documents)
        let labelled = examples.reduce(0) { $0 + $1.labels.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }
        progress("entity network: \(examples.count) documents, \(labelled) labelled tokens, window \(options.window), hidden \(options.hidden)")
        let storage = EntityNetworkStorage(EntityNetwork(window: options.window, hidden: options.hidden, seed: options.seed))
        let net = storage.unsafe
        let scratch = EntityNetworkScratch(hidden: options.hidden)
        let hidden = options.hidden, classes = EntityNetwork.classes, offsets = 2 * options.window + 1
        var dh1 = [Float](repeating: 0, count: hidden), dh2 = [Float](repeating: 0, count: hidden)
        var dz = [Float](repeating: 0, count: classes)
        var rng = SplitMix(seed: options.seed &+ 1)
        var order = Array(examples.indices)
        let total = Float(max(1, labelled * max(1, options.epochs)))
        var seen = 0
        for epoch in 1...max(1, options.epochs) {
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            var loss: Double = 0, right = 0, count = 0
            let started = Date()
            for d in order {
                let example = examples[d]
                example.rows.withUnsafeBufferPointer { scratch.prepare($0, window: options.window) }
                for i in example.labels.indices where example.labels[i] >= 0 {
                    let truth = Int(example.labels[i])
                    let lr = options.learningRate * max(0.02, 1 - Float(seen) / total)
                    seen += 1
                    scratch.forward(net, i)
                    // Softmax gradient.
                    var top = scratch.scores[0], best = 0
                    for c in 1..<classes where scratch.scores[c] > top { top = scratch.scores[c]; best = c }
                    var sum: Float = 0
                    for c in 0..<classes { dz[c] = expf(scratch.scores[c] - top); sum += dz[c] }
                    for c in 0..<classes { dz[c] /= sum }
                    loss -= Double(logf(max(dz[truth], 1e-30)))
                    if best == truth { right += 1 }
                    count += 1
                    dz[truth] -= 1
                    scratch.h1.withUnsafeBufferPointer { h1b in
                        scratch.h2.withUnsafeBufferPointer { h2b in
                            scratch.rowOffsets.withUnsafeBufferPointer { rb in
                                let a1 = h1b.baseAddress!, a2 = h2b.baseAddress!
                                // Output layer.
                                for h in 0..<hidden { dh2[h] = 0 }
                                for c in 0..<classes {
                                    let g = dz[c]
                                    let w = net.weights3 + c * hidden
                                    for h in 0..<hidden {
                                        dh2[h] += w[h] * g
                                        w[h] -= lr * g * a2[h]
                                    }
                                    net.bias3[c] -= lr * g
                                }
                                for h in 0..<hidden where a2[h] <= 0 { dh2[h] = 0 }
                                // Layer 2.
                                for h in 0..<hidden { dh1[h] = 0 }
                                for u in 0..<hidden where dh2[u] != 0 {
                                    let g = dh2[u]
                                    let w = net.weights2 + u * hidden
                                    for h in 0..<hidden {
                                        dh1[h] += w[h] * g
                                        w[h] -= lr * g * a1[h]
                                    }
                                    net.bias2[u] -= lr * g
                                }
                                for h in 0..<hidden where a1[h] <= 0 { dh1[h] = 0 }
                                // Layer 1: the embedding bag's rows.
                                for h in 0..<hidden { dh1[h] *= lr; net.bias1[h] -= dh1[h] }
                                let ro = rb.baseAddress! + i * 16
                                for o in 0..<offsets {
                                    let block = net.table + o * EntityNetwork.rowsPerOffset * hidden
                                    for lane in 0..<16 {
                                        let row = block + ro[o * 16 + lane]
                                        for h in 0..<hidden { row[h] -= dh1[h] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let seconds = Date().timeIntervalSince(started)
            progress(String(format: "entity network epoch %d: loss %.4f, token accuracy %.2f%% (%d tokens, %.0f tokens/s)",
                            epoch, loss / Double(max(count, 1)), 100 * Double(right) / Double(max(count, 1)), count,
                            Double(count) / max(seconds, 1e-9)))
        }
        return storage.snapshot()
    }
}
