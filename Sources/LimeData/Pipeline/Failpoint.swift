import Foundation

/// A crash on purpose, for the tests of stage-level resume: with
/// `LIME_FAILPOINT=after-STAGE:N` in the environment, the process kills itself with
/// SIGKILL (as `kill -9` would) once the N-th unit (1-based, any worker) has finished
/// STAGE (`read`, `annotate`, `align`, `pack`; `commit` for the provenance commit).
/// Without the variable it does nothing.
enum Failpoint {
    private static let target: (stage: String, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["LIME_FAILPOINT"], value.hasPrefix("after-") else { return nil }
        let parts = value.dropFirst("after-".count).split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]), count >= 1 else { return nil }
        return (String(parts[0]), count)
    }()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var seen = 0

    /// Called when a unit finishes `stage`.
    static func reached(_ stage: String) {
        guard let target, target.stage == stage else { return }
        let reached = lock.withLock { () -> Bool in
            seen += 1
            return seen == target.count
        }
        if reached { kill(getpid(), SIGKILL) }
    }
}
