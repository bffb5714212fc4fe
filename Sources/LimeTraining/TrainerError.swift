import LimeSupport

/// A training, evaluation or generation failure with a message for the user.
public struct TrainerError: LocatedError {
    public let path: String?, line: Int?, reason: String
    public init(path: String?, line: Int?, reason: String) { (self.path, self.line, self.reason) = (path, line, reason) }
}
