import Foundation

/// A child process spoken to in JSON lines: one request line in, one response line out,
/// with a deadline on each response. Its stderr is kept (the last few KiB) to explain
/// a crash.
final class LineProcess {
    enum Failure: Error, CustomStringConvertible {
        case exited(status: Int32, stderr: String)
        case timedOut(seconds: Double)
        case io(String)

        var description: String {
            switch self {
            case .exited(let status, let stderr):
                let tail = stderr.split(separator: "\n").suffix(3).joined(separator: " | ")
                return "worker process exited (status \(status))" + (tail.isEmpty ? "" : ": \(tail)")
            case .timedOut(let seconds): return "worker process did not answer within \(seconds) s"
            case .io(let reason): return "worker process I/O failed: \(reason)"
            }
        }
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private var buffer: [UInt8] = []
    private let stderrLock = NSLock()
    private var stderrTail: [UInt8] = []

    init(command: [String], environment: [String: String]? = nil) throws {
        // A worker that died must show up as a write error, not kill this process.
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.stderrLock.lock()
            self.stderrTail.append(contentsOf: data)
            if self.stderrTail.count > 8192 { self.stderrTail.removeFirst(self.stderrTail.count - 8192) }
            self.stderrLock.unlock()
        }
        do {
            try process.run()
        } catch {
            throw Failure.io("cannot start \(command.joined(separator: " ")): \(error.localizedDescription)")
        }
    }

    deinit { terminate() }

    var stderrText: String {
        stderrLock.lock()
        defer { stderrLock.unlock() }
        return String(decoding: stderrTail, as: UTF8.self)
    }

    /// Sends one line (a newline is appended), waiting at most `timeout` seconds for the
    /// process to take it (a hung worker stops reading its input).
    func send(_ line: [UInt8], timeout: Double) throws {
        var bytes = line
        bytes.append(0x0A)
        let fd = input.fileHandleForWriting.fileDescriptor
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let deadline = Date().addingTimeInterval(timeout)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n >= 0 {
                offset += n
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN:
                let remaining = deadline.timeIntervalSinceNow
                if remaining <= 0 { throw Failure.timedOut(seconds: timeout) }
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, Int32(min(remaining, 1.0) * 1000) + 1)
            default:
                throw exitFailure(wait: true) ?? Failure.io(String(cString: strerror(errno)))
            }
        }
    }

    /// Reads one line, waiting at most `timeout` seconds.
    func receive(timeout: Double) throws -> [UInt8] {
        let fd = output.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw Failure.timedOut(seconds: timeout) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining, 1.0) * 1000) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure.io(String(cString: strerror(errno)))
            }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure.io(String(cString: strerror(errno)))
            }
            if n == 0 {
                throw exitFailure(wait: true) ?? Failure.io("worker closed its output")
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    private func exitFailure(wait: Bool = false) -> Failure? {
        if wait {
            let deadline = Date().addingTimeInterval(2)
            while process.isRunning && Date() < deadline { usleep(10_000) }
        }
        guard !process.isRunning else { return nil }
        return .exited(status: process.terminationStatus, stderr: stderrText)
    }

    /// Kills the process (SIGKILL) and reaps it.
    func terminate() {
        errors.fileHandleForReading.readabilityHandler = nil
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? input.fileHandleForWriting.close()
    }
}
