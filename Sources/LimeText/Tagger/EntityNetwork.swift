import Foundation
import LimeSupport

/// The neural entity recognizer: a small feed-forward network over the rows of spaCy's
/// hashed embeddings (`SpacyBuckets`) in a window of tokens, followed by constrained
/// Viterbi decoding into valid IOB2.
///
/// spaCy's own recognizer sees a token only through those rows (NORM, PREFIX, SUFFIX,
/// SHAPE of the token and its neighbours, through a convolutional encoder), so a student
/// that reads the very same rows can learn spaCy's decisions, collisions included; the
/// linear perceptron could not fit them (83% span agreement on its own training text).
///
/// Layer 1 is an embedding bag: for each window offset `o` and each of the 16 rows `r` a
/// token selects, it adds the vector `table[o][r]` (width `hidden`), then ReLU. Layer 2 is
/// dense `hidden x hidden` with ReLU, the output layer dense `classes x hidden`. A token
/// costs 16 * offsets row additions and two small matrix-vector products; whitespace
/// tokens are `O` and end any entity.
public struct EntityNetwork: Sendable, Equatable {
    /// Tokens on each side of the scored one.
    public let window: Int
    /// Width of both hidden layers.
    public let hidden: Int
    /// `offsets x rowsPerOffset x hidden`: layer 1 (offset-major, then attribute rows).
    var table: [Float]
    var bias1: [Float]
    /// `hidden x hidden`, row-major (output unit, input unit).
    var weights2: [Float]
    var bias2: [Float]
    /// `classes x hidden`, row-major.
    var weights3: [Float]
    var bias3: [Float]

    static let classes = TaggerClasses.ner
    /// First table row of each attribute (each has one extra row: padding beyond the document).
    static let attributeBase: [Int] = {
        var base: [Int] = [], next = 0
        for count in SpacyBuckets.rowCounts { base.append(next); next += Int(count) + 1 }
        return base
    }()
    static let rowsPerOffset = SpacyBuckets.rowCounts.reduce(0) { $0 + Int($1) + 1 }

    var offsets: Int { 2 * window + 1 }

    /// A network with deterministic small random weights (for training).
    init(window: Int, hidden: Int, seed: UInt64) {
        self.window = window
        self.hidden = hidden
        var rng = SplitMix(seed: seed)
        func uniform(_ count: Int, _ scale: Float) -> [Float] {
            (0..<count).map { _ in (Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1) * scale }
        }
        let offsets = 2 * window + 1
        table = uniform(offsets * Self.rowsPerOffset * hidden, 1 / Float(16 * offsets).squareRoot())
        bias1 = [Float](repeating: 0, count: hidden)
        weights2 = uniform(hidden * hidden, (6 / Float(hidden)).squareRoot())
        bias2 = [Float](repeating: 0, count: hidden)
        weights3 = uniform(Self.classes * hidden, (1 / Float(hidden)).squareRoot())
        bias3 = [Float](repeating: 0, count: Self.classes)
    }

    init(window: Int, hidden: Int, table: [Float], bias1: [Float], weights2: [Float], bias2: [Float],
         weights3: [Float], bias3: [Float]) {
        self.window = window
        self.hidden = hidden
        self.table = table
        self.bias1 = bias1
        self.weights2 = weights2
        self.bias2 = bias2
        self.weights3 = weights3
        self.bias3 = bias3
    }

    /// Number of parameters.
    public var parameterCount: Int {
        table.count + bias1.count + weights2.count + bias2.count + weights3.count + bias3.count
    }

    /// The table row offsets (relative to an offset's block, times `hidden`) of a token's 16 rows.
    @inline(__always)
    static func rowOffsets(_ rows: SpacyBuckets.Rows, hidden: Int, into out: UnsafeMutablePointer<Int>) {
        for lane in 0..<16 {
            let a = lane >> 2
            let r = rows[lane]
            let row = r == UInt16.max ? Int(SpacyBuckets.rowCounts[a]) : Int(r)
            out[lane] = (attributeBase[a] + row) * hidden
        }
    }
}

/// Scratch buffers and the forward pass of an `EntityNetwork`, one per thread.
final class EntityNetworkScratch {
    let hidden: Int
    /// Per token of the padded document: its 16 row offsets (see `EntityNetwork.rowOffsets`).
    var rowOffsets: [Int] = []
    var h1: [Float]
    var h2: [Float]
    var scores: [Float]
    /// Per token: the log-probabilities of the classes (Viterbi input).
    var logProbabilities: [Float] = []
    var backPointers: [UInt8] = []

    init(hidden: Int) {
        self.hidden = hidden
        h1 = [Float](repeating: 0, count: hidden)
        h2 = [Float](repeating: 0, count: hidden)
        scores = [Float](repeating: 0, count: EntityNetwork.classes)
    }

    /// Fills `rowOffsets` for `rows` (the document's tokens, without padding) with `window`
    /// padding tokens either side.
    func prepare(_ rows: UnsafeBufferPointer<SpacyBuckets.Rows>, window: Int) {
        let total = rows.count + 2 * window
        if rowOffsets.count < total * 16 { rowOffsets = [Int](repeating: 0, count: total * 16) }
        rowOffsets.withUnsafeMutableBufferPointer { out in
            let o = out.baseAddress!
            for i in 0..<total {
                let r = i < window || i >= window + rows.count ? SpacyBuckets.padding : rows[i - window]
                EntityNetwork.rowOffsets(r, hidden: hidden, into: o + i * 16)
            }
        }
    }

    /// Computes layer 1 and 2 activations and the class scores of token `i` (unpadded
    /// index) into `h1`, `h2`, `scores`; `prepare` must have run.
    @inline(__always)
    func forward(_ net: UnsafeNetwork, _ i: Int) {
        let hidden = self.hidden, offsets = net.offsets
        h1.withUnsafeMutableBufferPointer { h1b in
            h2.withUnsafeMutableBufferPointer { h2b in
                scores.withUnsafeMutableBufferPointer { sb in
                    rowOffsets.withUnsafeBufferPointer { rb in
                        let a1 = h1b.baseAddress!, a2 = h2b.baseAddress!, s = sb.baseAddress!
                        let ro = rb.baseAddress! + i * 16
                        for h in 0..<hidden { a1[h] = net.bias1[h] }
                        for o in 0..<offsets {
                            let block = net.table + o * EntityNetwork.rowsPerOffset * hidden
                            let rows = ro + o * 16
                            for lane in 0..<16 {
                                let row = block + rows[lane]
                                for h in 0..<hidden { a1[h] += row[h] }
                            }
                        }
                        for h in 0..<hidden { a1[h] = max(a1[h], 0) }
                        for u in 0..<hidden {
                            let w = net.weights2 + u * hidden
                            var sum: Float = 0
                            for h in 0..<hidden { sum += w[h] * a1[h] }
                            a2[u] = max(sum + net.bias2[u], 0)
                        }
                        for c in 0..<EntityNetwork.classes {
                            let w = net.weights3 + c * hidden
                            var sum: Float = 0
                            for h in 0..<hidden { sum += w[h] * a2[h] }
                            s[c] = sum + net.bias3[c]
                        }
                    }
                }
            }
        }
    }
}

/// Raw pointers to a network's parameters for the hot loops (valid while the owner lives).
struct UnsafeNetwork {
    let offsets: Int
    let table: UnsafeMutablePointer<Float>
    let bias1: UnsafeMutablePointer<Float>
    let weights2: UnsafeMutablePointer<Float>
    let bias2: UnsafeMutablePointer<Float>
    let weights3: UnsafeMutablePointer<Float>
    let bias3: UnsafeMutablePointer<Float>
}

/// Holds an `EntityNetwork`'s parameters in stable memory for `UnsafeNetwork` access.
/// Only the training thread writes through it; a loaded model's storage is read-only.
final class EntityNetworkStorage: @unchecked Sendable {
    let window: Int
    let hidden: Int
    let table, bias1, weights2, bias2, weights3, bias3: UnsafeMutableBufferPointer<Float>

    init(_ network: EntityNetwork) {
        window = network.window
        hidden = network.hidden
        func copy(_ a: [Float]) -> UnsafeMutableBufferPointer<Float> {
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(a.count, 1))
            _ = b.initialize(from: a)
            return b
        }
        table = copy(network.table); bias1 = copy(network.bias1)
        weights2 = copy(network.weights2); bias2 = copy(network.bias2)
        weights3 = copy(network.weights3); bias3 = copy(network.bias3)
    }

    deinit {
        for b in [table, bias1, weights2, bias2, weights3, bias3] { b.deallocate() }
    }

    var unsafe: UnsafeNetwork {
        UnsafeNetwork(offsets: 2 * window + 1, table: table.baseAddress!, bias1: bias1.baseAddress!,
                      weights2: weights2.baseAddress!, bias2: bias2.baseAddress!,
                      weights3: weights3.baseAddress!, bias3: bias3.baseAddress!)
    }

    /// The network with the current (possibly trained) parameter values.
    func snapshot() -> EntityNetwork {
        EntityNetwork(window: window, hidden: hidden, table: Array(table), bias1: Array(bias1),
                      weights2: Array(weights2), bias2: Array(bias2), weights3: Array(weights3), bias3: Array(bias3))
    }
}

extension EntityNetworkScratch {
    /// Labels the tokens of one document: `rows` are all its tokens' spaCy rows (whitespace
    /// tokens included: they are context, as in spaCy), `isSpace` marks whitespace tokens,
    /// which get `O`. Writes one class per token into `out` (0 = `O`, then `B-T`, `I-T`).
    /// The labels are the most probable valid IOB2 sequence within each run of
    /// non-whitespace tokens.
    func decode(_ net: UnsafeNetwork, window: Int, rows: UnsafeBufferPointer<SpacyBuckets.Rows>,
                isSpace: UnsafeBufferPointer<Bool>, into out: UnsafeMutablePointer<Int>) {
        let n = rows.count, classes = EntityNetwork.classes
        prepare(rows, window: window)
        if logProbabilities.count < n * classes { logProbabilities = [Float](repeating: 0, count: n * classes) }
        if backPointers.count < n * classes { backPointers = [UInt8](repeating: 0, count: n * classes) }
        var runStart = 0
        for i in 0...n {
            if i == n || isSpace[i] {
                if i > runStart { viterbi(runStart, i, out) }
                if i < n { out[i] = 0 }
                runStart = i + 1
                continue
            }
            forward(net, i + 0)
            scores.withUnsafeBufferPointer { s in
                var top = s[0]
                for c in 1..<classes { top = max(top, s[c]) }
                var sum: Float = 0
                for c in 0..<classes { sum += expf(s[c] - top) }
                let norm = top + logf(sum)
                logProbabilities.withUnsafeMutableBufferPointer { lp in
                    for c in 0..<classes { lp[i * classes + c] = s[c] - norm }
                }
            }
        }
    }

    /// Viterbi over tokens `start..<end` (IOB2: `I-T` only after `B-T` or `I-T`).
    private func viterbi(_ start: Int, _ end: Int, _ out: UnsafeMutablePointer<Int>) {
        let classes = EntityNetwork.classes
        logProbabilities.withUnsafeMutableBufferPointer { lpb in
            backPointers.withUnsafeMutableBufferPointer { bpb in
                let lp = lpb.baseAddress!, bp = bpb.baseAddress!
                // lp holds, after this loop, the best path score ending in each class.
                for c in 0..<classes where c != 0 && c & 1 == 0 { lp[start * classes + c] = -.infinity }
                for i in (start + 1)..<max(end, start + 1) {
                    let prev = lp + (i - 1) * classes, cur = lp + i * classes
                    var bestAny = 0
                    for c in 1..<classes where prev[c] > prev[bestAny] { bestAny = c }
                    for c in 0..<classes {
                        if c == 0 || c & 1 == 1 {
                            cur[c] += prev[bestAny]
                            bp[i * classes + c] = UInt8(bestAny)
                        } else {
                            let from = prev[c - 1] >= prev[c] ? c - 1 : c
                            cur[c] += prev[from]
                            bp[i * classes + c] = UInt8(from)
                        }
                    }
                }
                let last = lp + (end - 1) * classes
                var c = 0
                for k in 1..<classes where last[k] > last[c] { c = k }
                var i = end - 1
                while true {
                    out[i] = c
                    if i == start { break }
                    c = Int(bp[i * classes + c])
                    i -= 1
                }
            }
        }
    }
}

extension EntityNetwork {
    /// Appends the network to a model payload: u32 window, u32 hidden, then the parameters
    /// as Float16 bits (table, bias1, weights2, bias2, weights3, bias3).
    func write(to w: inout ByteWriter) {
        w.write(UInt32(window))
        w.write(UInt32(hidden))
        for part in [table, bias1, weights2, bias2, weights3, bias3] {
            for v in part { w.write(Float16(v).bitPattern) }
        }
    }

    /// Reads a network written by `write(to:)`.
    static func read(from r: inout ByteReader) throws -> EntityNetwork {
        let window = Int(try r.read(UInt32.self)), hidden = Int(try r.read(UInt32.self))
        guard window <= 8, hidden > 0, hidden <= 1024 else {
            throw TaggerModelError("entity network with window \(window), hidden \(hidden)")
        }
        let offsets = 2 * window + 1
        func part(_ count: Int) throws -> [Float] {
            let bytes = try r.read(count: count * 2)
            return bytes.withUnsafeBytes { raw in
                (0..<count).map { Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) }
            }
        }
        return EntityNetwork(window: window, hidden: hidden,
                             table: try part(offsets * rowsPerOffset * hidden), bias1: try part(hidden),
                             weights2: try part(hidden * hidden), bias2: try part(hidden),
                             weights3: try part(classes * hidden), bias3: try part(classes))
    }
}
