import CLibFuzzer
import Foundation

/// Helpers shared by the libFuzzer targets (`Tests/Fuzz/Targets`): each target's `main`
/// hands libFuzzer a function that feeds the bytes to one reader and checks that whatever
/// it throws names the file. A trap, a sanitizer report or a failed check is a finding.
public enum Fuzz {
    /// Runs libFuzzer's driver with this process's arguments (`-max_total_time=`, corpus
    /// directories, ...) over `callback`, and exits with its status. (A `main` of our own,
    /// rather than libFuzzer's: SwiftPM gives every executable one.)
    public static func main(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
    }

    /// The input bytes libFuzzer hands over.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Runs `body`; an error must be a clear one: its text names `name` (the file).
    public static func expectNamedError<T>(_ name: String, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch {
            let text = String(describing: error)
            check(text.contains(name), "error does not name \(name): \(text)")
            return nil
        }
    }

    /// A property the reader must keep: stops the run (a finding) when it does not hold.
    public static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition {
            FileHandle.standardError.write(Data("fuzz check failed: \(message())\n".utf8))
            abort()
        }
    }

    /// A per-process scratch file for readers that take a path, rewritten on every input.
    public static func scratchFile(named name: String, contents: [UInt8]) -> String {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = (directory as NSString).appendingPathComponent("lime-fuzz-\(getpid())-\(name)")
        check(FileManager.default.createFile(atPath: path, contents: Data(contents)), "cannot write \(path)")
        return path
    }
}
