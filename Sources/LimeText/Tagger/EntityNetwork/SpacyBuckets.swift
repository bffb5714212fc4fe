import Foundation

/// The rows of spaCy's hashed embeddings that a token selects, as features for the native
/// tagger: spaCy's `en_core_web_sm` 3.8 embeds NORM, PREFIX, SUFFIX and SHAPE with thinc
/// `HashEmbed` layers (seeds 8, 9, 10, 11; 5,000, 1,000, 2,500, 2,500 rows; four rows per
/// value), in its tagger and its entity recognizer alike. Two words sharing rows look alike
/// to spaCy, so weights on the row numbers let the native tagger generalize to words it
/// never saw the way spaCy does. Row numbers are exact given spaCy's attribute strings:
/// NORM is lower case unless an exception applies (`spacy-norms.tsv`, exported by
/// `Pipelines/tagger/export_norms.py`), PREFIX the first character, SUFFIX the last three,
/// SHAPE spaCy's `word_shape`.
enum SpacyBuckets {
    /// The four rows of each attribute: lanes 0-3 NORM, 4-7 PREFIX, 8-11 SUFFIX, 12-15 SHAPE.
    typealias Rows = SIMD16<UInt16>

    /// Stands for the padding positions before and after a document.
    static let padding = Rows(repeating: UInt16.max)

    static let seeds: [UInt64] = [8, 9, 10, 11]
    static let rowCounts: [UInt64] = [5000, 1000, 2500, 2500]

    /// The rows of the token `bytes` (UTF-8).
    static func rows(_ bytes: UnsafeBufferPointer<UInt8>) -> Rows {
        let ascii = !bytes.contains { $0 >= 0x80 }
        let text: [UInt8] = Array(bytes)
        var out = Rows()
        let attributes: [[UInt8]]
        if ascii {
            let lower = text.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
            attributes = [norm(text: text, lower: lower), Array(text.prefix(1)), Array(text.suffix(3)), shape(text)]
        } else {
            let string = String(decoding: text, as: UTF8.self)
            let scalars = Array(string.unicodeScalars)
            let lower = Array(string.lowercased().utf8)
            func utf8(_ s: ArraySlice<Unicode.Scalar>) -> [UInt8] {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: s)
                return Array(String(view).utf8)
            }
            attributes = [norm(text: text, lower: lower), utf8(scalars.prefix(1)), utf8(scalars.suffix(3)), shape(scalars)]
        }
        for (a, value) in attributes.enumerated() {
            let id = value.withUnsafeBufferPointer { murmurHash64A($0, seed: 1) }
            let (h1, h2) = thincHash(id, seed: seeds[a])
            let words = [h1 & 0xFFFF_FFFF, h1 >> 32, h2 & 0xFFFF_FFFF, h2 >> 32]
            for k in 0..<4 { out[a * 4 + k] = UInt16(words[k] % rowCounts[a]) }
        }
        return out
    }

    /// spaCy's NORM string of a token given its text and lower-case text.
    static func norm(text: [UInt8], lower: [UInt8]) -> [UInt8] {
        if let norm = NormExceptions.shared.byText[text] { return norm }
        let key = lower.withUnsafeBufferPointer { murmurHash64A($0, seed: 1) }
        return NormExceptions.shared.byLowerHash[key] ?? lower
    }

    /// spaCy's `word_shape` of ASCII text: letters as X/x, digits as d, other bytes as
    /// themselves, runs cut after four; "LONG" from 100 characters on.
    static func shape(_ text: [UInt8]) -> [UInt8] {
        if text.count >= 100 { return Array("LONG".utf8) }
        var out: [UInt8] = [], last: UInt8 = 0, run = 0
        for b in text {
            let c: UInt8 = (b >= 65 && b <= 90) ? 88 : (b >= 97 && b <= 122) ? 120 : (b >= 48 && b <= 57) ? 100 : b
            if c == last { run += 1 } else { run = 0; last = c }
            if run < 4 { out.append(c) }
        }
        return out
    }

    /// `word_shape` over Unicode scalars, with Python's `isalpha`, `isupper`, `isdigit`.
    static func shape(_ scalars: [Unicode.Scalar]) -> [UInt8] {
        if scalars.count >= 100 { return Array("LONG".utf8) }
        var view = String.UnicodeScalarView()
        var last: Unicode.Scalar? = nil, run = 0
        for s in scalars {
            let p = s.properties
            let c: Unicode.Scalar
            switch p.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                c = p.isUppercase ? "X" : "x"
            default:
                c = (p.numericType == .decimal || p.numericType == .digit) ? "d" : s
            }
            if c == last { run += 1 } else { run = 0; last = c }
            if run < 4 { view.append(c) }
        }
        return Array(String(view).utf8)
    }

    /// MurmurHash64A (spaCy's string hash with seed 1).
    static func murmurHash64A(_ data: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        let m: UInt64 = 0xc6a4_a793_5bd1_e995, r: UInt64 = 47
        var h = seed ^ (UInt64(data.count) &* m)
        let blocks = data.count / 8
        for i in 0..<blocks {
            var k: UInt64 = 0
            for j in 0..<8 { k |= UInt64(data[i * 8 + j]) << (8 * UInt64(j)) }
            k = k &* m; k ^= k >> r; k = k &* m
            h ^= k; h = h &* m
        }
        let rest = data.count & 7
        if rest > 0 {
            for j in stride(from: rest - 1, through: 0, by: -1) { h ^= UInt64(data[blocks * 8 + j]) << (8 * UInt64(j)) }
            h = h &* m
        }
        h ^= h >> r; h = h &* m; h ^= h >> r
        return h
    }

    /// thinc's `ops.hash` of one 64-bit id (MurmurHash3 x64-128 of its 8 bytes), as two
    /// 64-bit halves holding the four 32-bit keys (low word first).
    static func thincHash(_ value: UInt64, seed: UInt64) -> (UInt64, UInt64) {
        var h1 = value &* 0x87c3_7b91_1142_53d5
        h1 = (h1 << 31) | (h1 >> 33)
        h1 = h1 &* 0x4cf5_ad43_2745_937f
        h1 ^= seed; h1 ^= 8
        var h2 = seed ^ 8
        h1 = h1 &+ h2; h2 = h2 &+ h1
        func fmix(_ x: UInt64) -> UInt64 {
            var k = x
            k ^= k >> 33; k = k &* 0xff51_afd7_ed55_8ccd; k ^= k >> 33; k = k &* 0xc4ce_b9fe_1a85_ec53; k ^= k >> 33
            return k
        }
        h1 = fmix(h1); h2 = fmix(h2)
        h1 = h1 &+ h2; h2 = h2 &+ h1
        return (h1, h2)
    }
}

/// spaCy's NORM exceptions, loaded once from the `spacy-norms.tsv` resource.
struct NormExceptions: Sendable {
    let byText: [[UInt8]: [UInt8]]
    let byLowerHash: [UInt64: [UInt8]]

    static let shared: NormExceptions = {
        guard let url = Bundle.module.url(forResource: "spacy-norms", withExtension: "tsv", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url) else {
            fatalError("LimeText resource Resources/spacy-norms.tsv is missing")
        }
        return NormExceptions(tsv: [UInt8](data))
    }()

    /// Parses lines `T<tab>text<tab>norm` and `H<tab>hex hash of the lower case<tab>norm`
    /// (other lines are ignored), byte by byte: this runs at every start-up.
    init(tsv: [UInt8]) {
        var byText: [[UInt8]: [UInt8]] = [:], byLowerHash: [UInt64: [UInt8]] = [:]
        for line in tsv.split(separator: UInt8(ascii: "\n")) {
            let f = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            guard f.count == 3, f[0].count == 1 else { continue }
            if f[0].first == UInt8(ascii: "T") {
                byText[Array(f[1])] = Array(f[2])
            } else if f[0].first == UInt8(ascii: "H"), let key = UInt64(String(decoding: f[1], as: UTF8.self), radix: 16) {
                byLowerHash[key] = Array(f[2])
            }
        }
        self.byText = byText
        self.byLowerHash = byLowerHash
    }
}

/// Memoizes `SpacyBuckets.rows` by a hash of the token's bytes (tokens repeat: a few
/// thousand words make most of any text). One per tagging thread; emptied when it reaches
/// `limit` words.
final class SpacyRowCache {
    private var rows: [UInt64: SpacyBuckets.Rows] = [:]
    let limit: Int

    init(limit: Int = 1 << 18) { self.limit = limit }

    /// The rows of the token `bytes[0..<count]` (keyed by all its bytes: `TokenInfo.word`
    /// hashes only the first 256).
    @inline(__always)
    func rows(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> SpacyBuckets.Rows {
        let word = FeatureHashing.fnv(bytes, count)
        if let cached = rows[word] { return cached }
        if rows.count >= limit { rows.removeAll(keepingCapacity: true) }
        let computed = SpacyBuckets.rows(UnsafeBufferPointer(start: bytes, count: count))
        rows[word] = computed
        return computed
    }
}
