import Crypto
import Foundation

/// SHA-256 helpers returning raw bytes or lowercase hex.
public enum Hashing {
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    public static func sha256<D: DataProtocol>(_ data: D) -> [UInt8] {
        Array(SHA256.hash(data: data))
    }

    /// SHA-256 of `parts`, each followed by `terminator` (lines of a file, say).
    public static func sha256(lines parts: [[UInt8]], terminator: UInt8 = 0x0A) -> [UInt8] {
        var hasher = SHA256()
        for part in parts {
            hasher.update(data: part)
            hasher.update(data: [terminator])
        }
        return Array(hasher.finalize())
    }

    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// SHA-256 of a file, streamed in 1 MiB chunks (bounded memory).
    public static func sha256(fileAt path: String) throws -> (digest: [UInt8], size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileError(path: path, "cannot open for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (Array(hasher.finalize()), size)
    }
}

/// Incremental SHA-256.
public struct StreamingSHA256 {
    private var hasher = SHA256()
    public init() {}
    public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
    public func finalize() -> [UInt8] { Array(hasher.finalize()) }
}
