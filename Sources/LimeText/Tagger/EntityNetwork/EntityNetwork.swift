import Foundation
import LimeCompute
import LimeSupport

/// The neural entity recognizer: a small network over the rows of spaCy's hashed
/// embeddings (`SpacyBuckets`), read the way spaCy's own recognizer reads them, followed by
/// constrained Viterbi decoding into valid IOB2.
///
/// spaCy's recognizer sees a token only through those rows (NORM, PREFIX, SUFFIX, SHAPE of
/// the token and its neighbours, through a convolutional encoder), so a student that reads
/// the very same rows can learn spaCy's decisions, hash collisions included; the linear
/// perceptron could not fit them (83% span agreement on its own training text).
///
/// Layers, for token i:
/// - token vector: `x(j)` concatenates, per attribute, the sum of its four embedding rows
///   (width `embedding` each); `v(j) = ReLU(mix · x(j) + mixBias)` (width `tokenWidth`);
/// - window: `h1(i) = ReLU(bias1 + sum over o of window[o] · v(i + o - w))`, o in 0...2w
///   (`causal`: o in 0...w, the token and the w before it, never a later one);
/// - with `history` (decoded greedily, left to right, like spaCy's transition-based
///   recognizer), layer 1 also adds an embedding of the previous label and, inside an
///   entity, `start · v(s)` of the entity's first token s (spaCy's parser state reads the
///   same token), so a long entity's last words still see where it began;
/// - `h2 = ReLU(weights2 · h1 + bias2)`, `scores = weights3 · h2 + bias3`.
/// Matrices are stored input-major (row = input unit), so inference adds whole rows.
/// Whitespace tokens are context (as in spaCy) but always `O`, and end any entity.
public struct EntityNetwork: Sendable, Equatable {
    /// Tokens on each side of the scored one.
    public let window: Int
    /// Width of one attribute's embedding.
    public let embedding: Int
    /// Width of the token vector.
    public let tokenWidth: Int
    /// Width of the two hidden layers.
    public let hidden: Int
    /// Whether layer 1 reads the previous label and the current entity's first token.
    public let history: Bool
    /// Whether the window ends at the scored token (left context only: a token's label
    /// never depends on the text after it). Causal networks are decoded greedily.
    public let causal: Bool
    /// All parameters, in `layout` order.
    var parameters: [Float]

    static let classes = TaggerClasses.ner
    static let attributes = 4
    /// First embedding row of each attribute (each has one extra row: padding beyond the document).
    static let attributeBase: [Int] = {
        var base: [Int] = [], next = 0
        for count in SpacyBuckets.rowCounts { base.append(next); next += Int(count) + 1 }
        return base
    }()
    static let embeddingRows = SpacyBuckets.rowCounts.reduce(0) { $0 + Int($1) + 1 }

    /// Where each parameter group starts in `parameters`, and the total count.
    struct Layout: Equatable {
        let embeddings, mix, mixBias, windowWeights, bias1, labels, weights2, bias2, weights3, bias3, count: Int

        init(window: Int, embedding: Int, tokenWidth: Int, hidden: Int, history: Bool, causal: Bool) {
            var next = 0
            func take(_ n: Int) -> Int { defer { next += n }; return next }
            embeddings = take(EntityNetwork.embeddingRows * embedding)
            mix = take(EntityNetwork.attributes * embedding * tokenWidth)
            mixBias = take(tokenWidth)
            windowWeights = take(tokenWidth * (EntityNetwork.offsets(window: window, causal: causal) + (history ? 1 : 0)) * hidden)
            bias1 = take(hidden)
            labels = take(history ? EntityNetwork.classes * hidden : 0)
            weights2 = take(hidden * hidden)
            bias2 = take(hidden)
            weights3 = take(hidden * EntityNetwork.classes)
            bias3 = take(EntityNetwork.classes)
            count = next
        }
    }

    var layout: Layout {
        Layout(window: window, embedding: embedding, tokenWidth: tokenWidth, hidden: hidden, history: history, causal: causal)
    }
    /// Window positions read for a token: 2w + 1, or w + 1 when causal (offset o reads token i + o - w).
    static func offsets(window: Int, causal: Bool) -> Int { causal ? window + 1 : 2 * window + 1 }
    var offsets: Int { Self.offsets(window: window, causal: causal) }
    /// Width of a token's contributions to layer 1: at every window offset, then (with
    /// `history`) as an entity's first token.
    var windowWidth: Int { (offsets + (history ? 1 : 0)) * hidden }
    /// Number of parameters.
    public var parameterCount: Int { parameters.count }

    init(window: Int, embedding: Int, tokenWidth: Int, hidden: Int, history: Bool, causal: Bool = false, parameters: [Float]) {
        self.window = window
        self.embedding = embedding
        self.tokenWidth = tokenWidth
        self.hidden = hidden
        self.history = history
        self.causal = causal
        self.parameters = parameters
        precondition(parameters.count == layout.count)
    }

    /// A network with deterministic random weights (for training): uniform, scaled by fan-in.
    init(window: Int, embedding: Int, tokenWidth: Int, hidden: Int, history: Bool = false, causal: Bool = false, seed: UInt64) {
        let layout = Layout(window: window, embedding: embedding, tokenWidth: tokenWidth, hidden: hidden, history: history,
                            causal: causal)
        var p = [Float](repeating: 0, count: layout.count)
        var rng = SplitMix64(seed: seed)
        func fill(_ start: Int, _ count: Int, _ scale: Float) {
            for i in start..<(start + count) { p[i] = (Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1) * scale }
        }
        let offsets = Self.offsets(window: window, causal: causal)
        fill(layout.embeddings, Self.embeddingRows * embedding, 0.1)
        fill(layout.mix, Self.attributes * embedding * tokenWidth, (3 / Float(Self.attributes * embedding)).squareRoot())
        let blocks = offsets + (history ? 1 : 0)
        fill(layout.windowWeights, tokenWidth * blocks * hidden, (3 / Float(tokenWidth * blocks)).squareRoot())
        fill(layout.labels, history ? Self.classes * hidden : 0, 0.1)
        fill(layout.weights2, hidden * hidden, (3 / Float(hidden)).squareRoot())
        fill(layout.weights3, hidden * Self.classes, (3 / Float(hidden)).squareRoot())
        self.init(window: window, embedding: embedding, tokenWidth: tokenWidth, hidden: hidden, history: history, causal: causal,
                  parameters: p)
    }

    /// The embedding rows (times `embedding`) of a token's 16 spaCy rows, padding mapped to
    /// each attribute's extra row.
    @inline(__always)
    static func rowStarts(_ rows: SpacyBuckets.Rows, embedding: Int, into out: UnsafeMutablePointer<Int>) {
        for lane in 0..<16 {
            let a = lane >> 2
            let r = rows[lane]
            let row = r == UInt16.max ? Int(SpacyBuckets.rowCounts[a]) : Int(r)
            out[lane] = (attributeBase[a] + row) * embedding
        }
    }

    /// `x`: per attribute, the sum of the token's four embedding rows (`4 * embedding` floats).
    @inline(__always)
    static func tokenInput(_ p: UnsafePointer<Float>, _ rowStarts: UnsafePointer<Int>, embedding: Int,
                           into x: UnsafeMutablePointer<Float>) {
        for a in 0..<attributes {
            let out = x + a * embedding
            for k in 0..<embedding { out[k] = 0 }
            for lane in (a * 4)..<(a * 4 + 4) {
                let row = p + rowStarts[lane]
                for k in 0..<embedding { out[k] += row[k] }
            }
        }
    }
}

extension EntityNetwork {
    /// Appends the network to a model payload: u32 window (bit 31 set: `history`, bit 30: `causal`),
    /// embedding, token width, hidden, then the parameters as Float16 bits.
    func write(to w: inout ByteWriter) {
        w.write(UInt32(window) | (history ? 1 << 31 : 0) | (causal ? 1 << 30 : 0))
        for v in [embedding, tokenWidth, hidden] { w.write(UInt32(v)) }
        for v in parameters { w.write(Float16(v).bitPattern) }
    }

    /// Reads a network written by `write(to:)`.
    static func read(from r: inout ByteReader) throws -> EntityNetwork {
        let first = try r.read(UInt32.self)
        let window = Int(first & 0x3FFF_FFFF), history = first >> 31 == 1, causal = first >> 30 & 1 == 1
        let embedding = Int(try r.read(UInt32.self))
        let tokenWidth = Int(try r.read(UInt32.self)), hidden = Int(try r.read(UInt32.self))
        guard window <= 8, (1...1024).contains(embedding), (1...1024).contains(tokenWidth), (1...1024).contains(hidden) else {
            throw TaggerModelError("entity network with window \(window), widths \(embedding)/\(tokenWidth)/\(hidden)")
        }
        let count = Layout(window: window, embedding: embedding, tokenWidth: tokenWidth, hidden: hidden, history: history,
                           causal: causal).count
        let bytes = try r.read(count: count * 2)
        let parameters = bytes.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                for i in 0..<count { out[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))) }
                initialized = count
            }
        }
        return EntityNetwork(window: window, embedding: embedding, tokenWidth: tokenWidth, hidden: hidden, history: history,
                             causal: causal, parameters: parameters)
    }
}
