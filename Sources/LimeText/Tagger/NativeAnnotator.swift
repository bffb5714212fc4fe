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
    /// versions, and for a causal model `annotation_context` (absent: full context, so
    /// full-context fingerprints are those of older builds). Computed on first use: hashing
    /// the 16.5 MB model costs start-up time that `lime annotate`, which records no
    /// provenance, need not pay.
    public private(set) lazy var fingerprint: [String: String] = {
        var fingerprint = [
            "annotator": "native",
            "model_sha256": modelSHA256(),
            "feature_version": String(TaggerModel.featureVersion),
            "pretokenizer": "spacy-\(Pretokenizer.spacyVersion)-rules",
        ]
        if model.context == .causal { fingerprint["annotation_context"] = AnnotationContext.causal.rawValue }
        return fingerprint
    }()

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

    /// An annotator over the model shipped with LimeText for `context`.
    public convenience init(context: AnnotationContext = .full) throws {
        self.init(model: try ShippedTaggerModel.shared(context), modelSHA256: { ShippedTaggerModel.sha256(context) })
    }

    /// An annotator over the model file at `path`.
    public convenience init(modelPath: String) throws {
        let bytes = try TaggerModel.fileBytes(path: modelPath)
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

/// The shipped models (one per annotation context), each loaded once per process and
/// shared, and their files' SHA-256, computed once when first asked for.
public enum ShippedTaggerModel {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: [AnnotationContext: TaggerModel] = [:]
    nonisolated(unsafe) private static var cachedSHA256: [AnnotationContext: String] = [:]

    /// The shipped model for `context`.
    public static func shared(_ context: AnnotationContext = .full) throws -> TaggerModel {
        lock.lock()
        defer { lock.unlock() }
        if let model = cached[context] { return model }
        let path = try modelPath(context)
        let model = try TaggerModel.load(path: path)
        guard model.context == context else {
            throw TaggerModelError(path: path, "a \(model.context.rawValue)-context model, shipped as the \(context.rawValue)-context one")
        }
        cached[context] = model
        return model
    }

    /// The SHA-256 (hex) of the shipped model file for `context` ("unreadable" if it
    /// cannot be read, which `shared()` would have reported first).
    public static func sha256(_ context: AnnotationContext = .full) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let digest = cachedSHA256[context] { return digest }
        let digest = (try? modelPath(context)).flatMap { try? Hashing.sha256(fileAt: $0).digest }.map { Hashing.hex($0) } ?? "unreadable"
        cachedSHA256[context] = digest
        return digest
    }

    private static func modelPath(_ context: AnnotationContext) throws -> String {
        guard let url = TaggerModel.shippedModelURL(context) else {
            let name = TaggerModel.shippedModelName(context)
            throw TaggerModelError("the LimeText bundle has no Resources/\(name).lmtag (run `make \(context == .full ? "tagger-model" : "tagger-model-causal")`)")
        }
        return url.path
    }
}
