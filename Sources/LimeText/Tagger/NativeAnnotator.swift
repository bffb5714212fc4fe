import Foundation
import LimeSupport

/// The native annotator: spaCy-compatible pre-tokenizer plus the native tagger
/// (perceptron PTB tag and UPOS; IOB2 entities by the entity networks, or by the
/// perceptron entity models of older files). Many annotators (one per thread) can share one
/// loaded `TaggerModel`.
public final class NativeAnnotator: Annotator {
    public let name = "native"
    public let model: TaggerModel
    private let session: TaggerSession
    private let pretokenizer = Pretokenizer()
    private let modelSHA256: () -> String

    /// What identifies the annotator: the model file's SHA-256, feature and pre-tokenizer
    /// versions. Computed on first use: hashing the 16.5 MB model costs start-up time that
    /// `lime annotate`, which records no provenance, need not pay.
    public private(set) lazy var fingerprint: [String: String] = [
        "annotator": "native",
        "model_sha256": modelSHA256(),
        "feature_version": String(TaggerModel.featureVersion),
        "pretokenizer": "spacy-\(Pretokenizer.spacyVersion)-rules",
    ]

    /// An annotator over a loaded model; `modelSHA256` identifies it in the fingerprint.
    public convenience init(model: TaggerModel, modelSHA256: String) {
        self.init(model: model, modelSHA256: { modelSHA256 })
    }

    /// An annotator over a loaded model whose SHA-256 is computed when first needed.
    public init(model: TaggerModel, modelSHA256: @escaping () -> String) {
        self.model = model
        self.modelSHA256 = modelSHA256
        session = TaggerSession(model: model)
    }

    /// An annotator over the model shipped with LimeText.
    public convenience init() throws {
        self.init(model: try ShippedTaggerModel.shared(), modelSHA256: ShippedTaggerModel.sha256)
    }

    /// An annotator over the model file at `path`.
    public convenience init(modelPath: String) throws {
        guard let data = FileManager.default.contents(atPath: modelPath) else {
            throw TaggerModelError(path: modelPath, "cannot read the tagger model")
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

/// The shipped model, loaded once per process and shared, and its file's SHA-256,
/// computed once when first asked for.
public enum ShippedTaggerModel {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: TaggerModel?
    nonisolated(unsafe) private static var cachedSHA256: String?

    /// The shipped model.
    public static func shared() throws -> TaggerModel {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let path = try modelPath()
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TaggerModelError(path: path, "cannot read the tagger model")
        }
        let model = try TaggerModel.load(bytes: [UInt8](data), name: path)
        cached = model
        return model
    }

    /// The SHA-256 (hex) of the shipped model file ("unreadable" if it cannot be read,
    /// which `shared()` would have reported first).
    public static func sha256() -> String {
        lock.lock()
        defer { lock.unlock() }
        if let cachedSHA256 { return cachedSHA256 }
        let digest = (try? modelPath()).flatMap { try? Hashing.sha256(fileAt: $0).digest }.map { Hashing.hex($0) } ?? "unreadable"
        cachedSHA256 = digest
        return digest
    }

    private static func modelPath() throws -> String {
        guard let url = TaggerModel.shippedModelURL else {
            throw TaggerModelError("the LimeText bundle has no Resources/tagger-en.lmtag (run `make tagger-model`)")
        }
        return url.path
    }
}
