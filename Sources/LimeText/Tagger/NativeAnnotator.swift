import Foundation
import LimeSupport

/// The native annotator: spaCy-compatible pre-tokenizer plus the native tagger
/// (perceptron PTB tag and UPOS; IOB2 entities by the entity networks, or by the
/// perceptron entity models of older files). Many annotators (one per thread) can share one
/// loaded `TaggerModel`.
public final class NativeAnnotator: Annotator {
    public let name = "native"
    public let fingerprint: [String: String]
    public let model: TaggerModel
    private let session: TaggerSession
    private let pretokenizer = Pretokenizer()

    /// An annotator over a loaded model; `modelSHA256` identifies it in the fingerprint.
    public init(model: TaggerModel, modelSHA256: String) {
        self.model = model
        session = TaggerSession(model: model)
        fingerprint = [
            "annotator": "native",
            "model_sha256": modelSHA256,
            "feature_version": String(TaggerModel.featureVersion),
            "pretokenizer": "spacy-\(Pretokenizer.spacyVersion)-rules",
        ]
    }

    /// An annotator over the model shipped with LimeText.
    public convenience init() throws {
        let shipped = try ShippedTaggerModel.shared()
        self.init(model: shipped.model, modelSHA256: shipped.sha256)
    }

    /// An annotator over the model file at `path`.
    public convenience init(modelPath: String) throws {
        guard let data = FileManager.default.contents(atPath: modelPath) else {
            throw TaggerModelError("\(modelPath): cannot read the tagger model")
        }
        let bytes = [UInt8](data)
        self.init(model: try TaggerModel.load(bytes: bytes, name: modelPath),
                  modelSHA256: Hashing.hex(Hashing.sha256(bytes)))
    }

    public func annotate(_ documents: [AnnotatorDocument]) throws -> [Result<[AnnotatedToken], AnnotatorFailure>] {
        documents.map { .success(annotate($0)) }
    }

    /// Annotates one document: raw text is pre-tokenized; given words are kept as they
    /// are, with offsets into the words joined by single spaces.
    public func annotate(_ document: AnnotatorDocument) -> [AnnotatedToken] {
        switch document {
        case .text(var text):
            return text.withUTF8 { utf8 in
                let spans = pretokenizer.tokenize(utf8: utf8).map { (start: $0.start, end: $0.end) }
                return session.annotate(text: utf8, spans: spans)
            }
        case .words(let words):
            var text: [UInt8] = []
            var spans: [(start: Int32, end: Int32)] = []
            spans.reserveCapacity(words.count)
            for (i, word) in words.enumerated() {
                if i > 0 { text.append(32) }
                let start = Int32(text.count)
                text.append(contentsOf: word.utf8)
                spans.append((start, Int32(text.count)))
            }
            return session.annotate(text: text, spans: spans)
        }
    }
}

/// The shipped model, loaded once per process and shared.
public enum ShippedTaggerModel {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: (model: TaggerModel, sha256: String)?

    /// The shipped model and the SHA-256 of its file.
    public static func shared() throws -> (model: TaggerModel, sha256: String) {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        guard let url = TaggerModel.shippedModelURL else {
            throw TaggerModelError("the LimeText bundle has no Resources/tagger-en.lmtag (run `make tagger-model`)")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TaggerModelError("\(url.path): cannot read the tagger model")
        }
        let bytes = [UInt8](data)
        let loaded = (try TaggerModel.load(bytes: bytes, name: url.path), Hashing.hex(Hashing.sha256(bytes)))
        cached = loaded
        return loaded
    }
}
