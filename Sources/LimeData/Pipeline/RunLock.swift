import Foundation
import LimeSupport

/// An exclusive lock on an output directory (`DIR/.lock`, flock), so that two `lime run`
/// never write the same directory at once. The kernel releases it when the process
/// dies, so a killed run leaves nothing to clean up.
public final class RunLock {
    private let fd: Int32

    public init(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent(".lock")
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw FileError(path: path, String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            let owner = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(fd)
            throw PipelineError("\(directory) is in use by another lime run (pid \(owner)); wait for it to finish or stop it first")
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pwrite(fd, pid, pid.count, 0)
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// A pipeline failure with a message meant for the user.
public struct PipelineError: LocatedError {
    public let path: String?, line: Int?, reason: String
    public init(path: String?, line: Int?, reason: String) { (self.path, self.line, self.reason) = (path, line, reason) }
}
