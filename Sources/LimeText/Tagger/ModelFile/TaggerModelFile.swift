import Foundation
import LimeSupport

/// A model file that cannot be read, naming the file and the problem.
public struct TaggerModelError: LocatedError {
    public let path: String?, line: Int?, reason: String
    public init(path: String?, line: Int?, reason: String) { (self.path, self.line, self.reason) = (path, line, reason) }
}

/// The model file format (little-endian):
///
///     magic "LIMETAGR" | u32 format version (5) | u32 feature version | u64 payload size
///     | one zstd frame (with checksum) holding the payload
///
/// Payload: description string; the tag, pos and ner label lists (u32 count + strings,
/// reserved ids excluded), which must equal `TagSets`; then for each of the tag, pos,
/// ner and entity preview models: u32 classes, u32 keys, u32 entries, keys (u64, ascending), entry counts
/// (u8 per key), entry classes (u8), entry weights (Float16 bits, u16); then the tag
/// dictionary: u32 count, word hashes (u64, ascending), tag classes (u8); then u8 the number
/// of entity networks (0: the perceptron entity models label entities) and each network
/// (`EntityNetwork.write`); then u8 the annotation context (0 full, 1 causal). Bytes are a
/// pure function of the model.
extension TaggerModel {
    static let magic = Array("LIMETAGR".utf8)
    /// Version written; versions 4 (without the context byte: full context) and 3 (also
    /// without the entity networks) are still read.
    public static let formatVersion: UInt32 = 5

    /// The model's file bytes.
    public func serialized() throws -> [UInt8] {
        var payload = ByteWriter(capacity: weightCount * 3 + 1 << 16)
        payload.write(string: description)
        for set in [TagSets.tag, TagSets.pos, TagSets.ner] {
            let labels = set.labels.dropFirst(TagSet.reserved.count)
            payload.write(UInt32(labels.count))
            for label in labels { payload.write(string: label) }
        }
        for weights in [tagWeights, posWeights, nerWeights, previewWeights] {
            payload.write(UInt32(weights.classes))
            payload.write(UInt32(weights.keys.count))
            payload.write(UInt32(weights.entryWeights.count))
            for key in weights.keys { payload.write(key) }
            payload.write(bytes: weights.counts)
            payload.write(bytes: weights.entryClasses)
            for w in weights.entryWeights { payload.write(Float16(w).bitPattern) }
        }
        payload.write(UInt32(tagDictionary.words.count))
        for word in tagDictionary.words { payload.write(word) }
        payload.write(bytes: tagDictionary.classes)
        payload.write(UInt8(entityNetworks.count))
        for network in entityNetworks { network.write(to: &payload) }
        payload.write(UInt8(context == .causal ? 1 : 0))
        var out = ByteWriter()
        out.write(bytes: Self.magic)
        out.write(Self.formatVersion)
        out.write(Self.featureVersion)
        out.write(UInt64(payload.bytes.count))
        out.write(bytes: try Zstd.compress(payload.bytes, level: 19))
        return out.bytes
    }

    /// Writes the model atomically to `path`.
    public func save(to path: String) throws {
        try AtomicFile.write(try serialized(), to: path)
    }

    /// Loads a model file.
    public static func load(path: String) throws -> TaggerModel {
        try load(bytes: try fileBytes(path: path), name: path)
    }

    /// A model file's bytes, read straight into one array (no intermediate `Data`, no
    /// copy): the file, its decompressed payload and the weight tables all count towards
    /// the loading peak and the start-up time.
    static func fileBytes(path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw TaggerModelError(path: path, "cannot read the tagger model") }
        defer { fclose(file) }
        fseek(file, 0, SEEK_END)
        let size = ftell(file)
        fseek(file, 0, SEEK_SET)
        guard size >= 0 else { throw TaggerModelError(path: path, "cannot read the tagger model") }
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = fread(buffer.baseAddress, 1, size, file)
        }
        guard bytes.count == size else { throw TaggerModelError(path: path, "cannot read the tagger model (short read)") }
        return bytes
    }

    /// Reads a model from its file bytes; `name` names the source in errors.
    public static func load(bytes: [UInt8], name: String) throws -> TaggerModel {
        func fail(_ why: String) -> TaggerModelError { TaggerModelError(path: name, why) }
        do {
            var header = ByteReader(bytes)
            guard Array(try header.read(count: 8)) == magic else { throw fail("not a lime tagger model (bad magic)") }
            let version: UInt32 = try header.read()
            guard (3...formatVersion).contains(version) else {
                throw fail("model format version \(version), this build reads 3 to \(formatVersion)")
            }
            let features: UInt32 = try header.read()
            guard features == featureVersion else {
                throw fail("model feature version \(features), this build uses \(featureVersion): retrain the model")
            }
            let size = try header.readCount(UInt64.self, what: "payload size")
            let payload = try bytes.withUnsafeBytes {
                try Zstd.decompress(UnsafeRawBufferPointer(rebasing: $0[header.offset...]), expectedSize: size)
            }
            var r = ByteReader(payload)
            let description = try r.readString()
            for set in [TagSets.tag, TagSets.pos, TagSets.ner] {
                let count = try r.readCount(UInt32.self, limit: r.remaining / 4, what: "label count")
                var labels: [String] = []
                for _ in 0..<count { labels.append(try r.readString()) }
                guard labels == Array(set.labels.dropFirst(TagSet.reserved.count)) else {
                    throw fail("the model's \(set.name) labels differ from TagSets.\(set.name)")
                }
            }
            var models: [SparseWeights] = []
            for expected in [TaggerClasses.tag, TaggerClasses.pos, TaggerClasses.ner, TaggerClasses.ner] {
                let classes = Int(try r.read(UInt32.self))
                guard classes == expected else { throw fail("model has \(classes) classes, expected \(expected)") }
                // Each key takes 9 bytes and each entry 3: counts the payload cannot hold are refused before allocating.
                let keyCount = try r.readCount(UInt32.self, limit: r.remaining / 9, what: "feature key count")
                let entryCount = try r.readCount(UInt32.self, limit: r.remaining / 3, what: "weight entry count")
                var keys = [UInt64](repeating: 0, count: keyCount)
                for i in 0..<keyCount { keys[i] = try r.read() }
                let counts = Array(try r.read(count: keyCount))
                let entryClasses = Array(try r.read(count: entryCount))
                var weights = [Float](repeating: 0, count: entryCount)
                for i in 0..<entryCount { weights[i] = Float(Float16(bitPattern: try r.read())) }
                guard counts.reduce(0, { $0 + Int($1) }) == entryCount else { throw fail("entry counts do not add up") }
                guard entryClasses.allSatisfy({ Int($0) < classes }) else { throw fail("entry class out of range") }
                guard zip(keys, keys.dropFirst()).allSatisfy({ $0 < $1 }), !keys.contains(0) else {
                    throw fail("feature keys not strictly ascending")
                }
                models.append(SparseWeights(classes: classes, keys: keys, counts: counts,
                                            entryClasses: entryClasses, entryWeights: weights))
            }
            let wordCount = try r.readCount(UInt32.self, limit: r.remaining / 9, what: "tag dictionary size")
            var words = [UInt64](repeating: 0, count: wordCount)
            for i in 0..<wordCount { words[i] = try r.read() }
            let wordClasses = Array(try r.read(count: wordCount))
            guard wordClasses.allSatisfy({ Int($0) < TaggerClasses.tag }) else { throw fail("tag dictionary class out of range") }
            guard zip(words, words.dropFirst()).allSatisfy({ $0 < $1 }), !words.contains(0) else {
                throw fail("tag dictionary words not strictly ascending")
            }
            let networkCount: UInt8 = version == 3 ? 0 : try r.read()
            guard networkCount <= 16 else { throw fail("\(networkCount) entity networks (at most 16)") }
            var networks: [EntityNetwork] = []
            for index in 0..<Int(networkCount) {
                do { networks.append(try EntityNetwork.read(from: &r)) } catch let error as TaggerModelError {
                    throw fail("entity network \(index): \(error.reason)")  // the network's reason, with the file
                }
            }
            let contextByte: UInt8 = version < 5 ? 0 : try r.read()
            guard contextByte <= 1 else { throw fail("annotation context \(contextByte) (0 full, 1 causal)") }
            let context: AnnotationContext = contextByte == 1 ? .causal : .full
            if let index = networks.firstIndex(where: { $0.causal != (context == .causal) }) {
                throw fail("entity network \(index) is \(networks[index].causal ? "causal" : "full-context") in a \(context.rawValue)-context model")
            }
            guard r.remaining == 0 else { throw fail("\(r.remaining) trailing bytes") }
            return TaggerModel(tag: models[0], pos: models[1], ner: models[2], preview: models[3],
                               tagDictionary: TagDictionary(words: words, classes: wordClasses),
                               entityNetworks: networks, description: description, context: context)
        } catch let error as TaggerModelError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }

    /// File name (without `.lmtag`) of the model shipped for `context`.
    public static func shippedModelName(_ context: AnnotationContext) -> String {
        context == .full ? "tagger-en" : "tagger-en-causal"
    }

    /// URL of the model shipped with LimeText for `context` (`Resources/tagger-en.lmtag`,
    /// `Resources/tagger-en-causal.lmtag`).
    public static func shippedModelURL(_ context: AnnotationContext = .full) -> URL? {
        Bundle.module.url(forResource: shippedModelName(context), withExtension: "lmtag", subdirectory: "Resources")
    }
}
