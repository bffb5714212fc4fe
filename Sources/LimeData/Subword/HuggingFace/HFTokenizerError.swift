/// A `tokenizer.json` that cannot be loaded or used, naming the file and the reason.
public struct HFTokenizerError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}
