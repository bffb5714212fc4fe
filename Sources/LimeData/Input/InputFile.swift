import Foundation
import LimeSupport

/// How an input file's bytes are framed into documents.
public enum InputFormat: String, Sendable, Codable {
    /// One JSON object per line.
    case jsonl
    /// One document per line of plain text.
    case text

    /// Format and compression of a path from its extension: `.jsonl`, `.json`, `.txt`,
    /// each optionally followed by `.zst`.
    public static func detect(_ path: String) -> (format: InputFormat, zstd: Bool)? {
        var name = (path as NSString).lastPathComponent.lowercased()
        var zstd = false
        if name.hasSuffix(".zst") {
            zstd = true
            name.removeLast(4)
        }
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") || name.hasSuffix(".json") { return (.jsonl, zstd) }
        if name.hasSuffix(".txt") { return (.text, zstd) }
        return nil
    }
}

/// One input file of a run.
public struct InputFile: Sendable, Equatable, Codable {
    /// Index in the run's sorted input list (stable: the list is sorted by path).
    public var index: Int
    public var path: String
    public var format: InputFormat
    public var zstd: Bool
    public var size: Int64
}

/// A problem with the input paths themselves.
public struct InputError: LocatedError {
    public let path: String?, line: Int?, reason: String
    public init(path: String?, line: Int?, reason: String) { (self.path, self.line, self.reason) = (path, line, reason) }
}

/// Expands input arguments (files, directories, glob patterns) into a sorted,
/// deduplicated list of input files.
public enum InputDiscovery {
    public static func expand(_ arguments: [String]) throws -> [InputFile] {
        var paths = Set<String>()
        for argument in arguments {
            for path in try matches(for: argument) {
                paths.insert(URL(fileURLWithPath: path).standardizedFileURL.path)
            }
        }
        return try paths.sorted().enumerated().map { index, path in
            guard let (format, zstd) = InputFormat.detect(path) else {
                throw InputError(path: path, "unsupported input type (expected .jsonl, .jsonl.zst, .txt or .txt.zst)")
            }
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
            return InputFile(index: index, path: path, format: format, zstd: zstd, size: size)
        }
    }

    private static func matches(for argument: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? try filesBelow(argument) : [argument]
        }
        if argument.contains(where: { "*?[".contains($0) }) {
            let found = glob(argument)
            if found.isEmpty { throw InputError(path: argument, "no file matches this pattern") }
            return try found.flatMap { path -> [String] in
                var isDir: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
                return isDir.boolValue ? try filesBelow(path) : [path]
            }
        }
        throw InputError(path: argument, "no such file or directory")
    }

    /// Supported files below a directory, recursively (hidden files skipped).
    private static func filesBelow(_ directory: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw InputError(path: directory, "cannot list directory")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") { continue }
            let path = (directory as NSString).appendingPathComponent(relative)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
               InputFormat.detect(path) != nil {
                files.append(path)
            }
        }
        return files
    }

    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }
}
