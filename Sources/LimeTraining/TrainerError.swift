/// A training, evaluation or generation failure with a message for the user.
public struct TrainerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
