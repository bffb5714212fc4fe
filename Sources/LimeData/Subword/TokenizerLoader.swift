import Foundation

/// Opens tokenizer files by content and locates the tokenizer shipped with lime.
public enum TokenizerLoader {
    /// File name of the default tokenizer: a 16,000-piece unigram SentencePiece model of
    /// English (recipe and corpus licences: `Pipelines/tokenizer/README.md`).
    public static let defaultModelName = "lime-en-16k.model"

    /// Path of the default tokenizer in LimeData's resource bundle.
    public static func defaultModelPath() throws -> String {
        guard let url = Bundle.module.url(forResource: "lime-en-16k", withExtension: "model", subdirectory: "Resources") else {
            throw PipelineError("the LimeData bundle has no Resources/\(defaultModelName) (run `make default-tokenizer`)")
        }
        return url.path
    }

    /// Loads the tokenizer at `path`: a Hugging Face `tokenizer.json` (recognised by its
    /// content, not its name) or a SentencePiece model.
    public static func load(path: String) throws -> any SubwordTokenizer {
        // A JSON file goes to HFTokenizer, which names what it cannot read (a JSON file
        // that is no tokenizer, a Unigram or WordPiece model) rather than SentencePiece.
        if HFTokenizerDetection.looksLikeJSON(path: path) { return try HFTokenizer(path: path) }
        return try SentencePieceModel(path: path)
    }

    /// Loads a tokenizer from its file bytes, told apart by content as `load(path:)` does;
    /// `path` names it in errors.
    public static func load(data: Data, path: String) throws -> any SubwordTokenizer {
        if HFTokenizerDetection.looksLikeJSON(data.prefix(64)) { return try HFTokenizer(data: data, path: path) }
        return try SentencePieceModel(data: data, path: path)
    }

    /// Loads `path`, or the default tokenizer when `path` is nil.
    public static func load(pathOrDefault path: String?) throws -> any SubwordTokenizer {
        try load(path: path ?? defaultModelPath())
    }
}

/// Content sniffing for JSON tokenizer files: the first non-space byte is `{`.
enum HFTokenizerDetection {
    static func looksLikeJSON(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return looksLikeJSON((try? handle.read(upToCount: 64)) ?? Data())
    }

    static func looksLikeJSON(_ head: Data) -> Bool {
        head.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{")
    }
}

