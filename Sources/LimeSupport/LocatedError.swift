/// An error that says where it happened: the file, the line where known, and the reason,
/// each a field a caller can read (`catch let e as ShardError where e.path == ...`).
/// Its description reads `path:line: reason`, `path: reason`, or the reason alone.
public protocol LocatedError: Error, CustomStringConvertible, Sendable {
    /// The file concerned, or nil when the error concerns no file (usage, configuration).
    var path: String? { get }
    /// The 1-based line (or record) in `path`, where the error concerns one.
    var line: Int? { get }
    /// What is wrong, for the user.
    var reason: String { get }
    init(path: String?, line: Int?, reason: String)
}

extension LocatedError {
    /// An error about no particular file.
    public init(_ reason: String) { self.init(path: nil, line: nil, reason: reason) }
    /// An error about `path` (at `line`, where known).
    public init(path: String?, line: Int? = nil, _ reason: String) { self.init(path: path, line: line, reason: reason) }

    public var description: String {
        switch (path, line) {
        case let (path?, line?): "\(path):\(line): \(reason)"
        case let (path?, nil): "\(path): \(reason)"
        default: reason
        }
    }
}
