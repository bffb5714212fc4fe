import LimeSupport

/// A `tokenizer.json` that cannot be loaded or used, naming the file and the reason.
public struct HFTokenizerError: LocatedError {
    public let path: String?, line: Int?, reason: String
    public init(path: String?, line: Int?, reason: String) { (self.path, self.line, self.reason) = (path, line, reason) }
}
