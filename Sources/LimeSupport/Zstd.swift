import CZstd
import Foundation

/// A zstd failure, with zstd's own message.
public struct ZstdError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ code: Int) { description = String(cString: ZSTD_getErrorName(code)) }
    public init(message: String) { description = message }
}

/// One-shot zstd compression and decompression of whole buffers.
public enum Zstd {
    /// Compresses `input` into one zstd frame with its content size and checksum.
    /// The output is deterministic for a given input, level and library version.
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 3) throws -> [UInt8] {
        guard let context = ZSTD_createCCtx() else { throw ZstdError(message: "out of memory") }
        defer { ZSTD_freeCCtx(context) }
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1)
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            ZSTD_compress2(context, out.baseAddress, bound, input.baseAddress, input.count)
        }
        if ZSTD_isError(written) != 0 { throw ZstdError(written) }
        output.removeSubrange(written...)
        return output
    }

    public static func compress(_ input: [UInt8], level: Int32 = 3) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, level: level) }
    }

    public static func compress(_ input: Data, level: Int32 = 3) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, level: level) }
    }

    /// Decompresses one zstd frame whose content size is `expectedSize` (checked).
    /// The size is checked against the frame header and against what the compressed bytes
    /// can hold before anything is allocated, so a corrupt size cannot exhaust memory.
    public static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8] {
        guard expectedSize >= 0 else { throw ZstdError(message: "negative decompressed size \(expectedSize)") }
        let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        if declared == ZSTD_CONTENTSIZE_ERROR { throw ZstdError(message: "not a zstd frame") }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != UInt64(expectedSize) {
            throw ZstdError(message: "the frame holds \(declared) bytes, expected \(expectedSize)")
        }
        guard expectedSize / maxExpansion <= input.count else {
            throw ZstdError(message: "\(input.count) compressed bytes cannot hold \(expectedSize) bytes")
        }
        // No zero fill: zstd writes every byte it reports, and a short or failed frame
        // is refused before the bytes are seen.
        var written = 0
        let output = [UInt8](unsafeUninitializedCapacity: expectedSize) { out, count in
            written = ZSTD_decompress(out.baseAddress, expectedSize, input.baseAddress, input.count)
            count = ZSTD_isError(written) != 0 ? 0 : min(written, expectedSize)
        }
        if ZSTD_isError(written) != 0 { throw ZstdError(written) }
        guard written == expectedSize else {
            throw ZstdError(message: "decompressed \(written) bytes, expected \(expectedSize)")
        }
        return output
    }

    /// More than any zstd frame can expand one input byte into (an RLE block turns 4 bytes
    /// into 128 KiB, 32768:1): a bound on a frame's content size from its length.
    static let maxExpansion = 1 << 16

    /// Decompresses one zstd frame that records its content size.
    public static func decompress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        let size = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        if size == ZSTD_CONTENTSIZE_ERROR { throw ZstdError(message: "not a zstd frame") }
        if size == ZSTD_CONTENTSIZE_UNKNOWN { throw ZstdError(message: "zstd frame without content size") }
        guard let expected = Int(exactly: size) else { throw ZstdError(message: "implausible content size \(size)") }
        return try decompress(input, expectedSize: expected)
    }

    public static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        try input.withUnsafeBytes { try decompress($0) }
    }

    public static func decompress(_ input: Data) throws -> [UInt8] {
        try input.withUnsafeBytes { try decompress($0) }
    }
}

/// Streaming zstd decompression with bounded memory: feed compressed chunks, get
/// decompressed chunks.
public final class ZstdStreamDecoder {
    private let stream: OpaquePointer
    private var outBuffer: [UInt8]
    /// True when the last call ended exactly at a frame boundary.
    public private(set) var atFrameBoundary = true

    public init() throws {
        guard let stream = ZSTD_createDStream() else { throw ZstdError(message: "out of memory") }
        self.stream = stream
        ZSTD_initDStream(stream)
        outBuffer = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDStream(stream) }

    /// Decompresses `input`, handing each produced chunk to `sink`.
    public func decode(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inBuf = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let capacity = outBuffer.count
        repeat {
            var produced = 0
            var hint = 0
            try outBuffer.withUnsafeMutableBytes { out in
                var outBuf = ZSTD_outBuffer(dst: out.baseAddress, size: capacity, pos: 0)
                hint = ZSTD_decompressStream(stream, &outBuf, &inBuf)
                if ZSTD_isError(hint) != 0 { throw ZstdError(hint) }
                produced = outBuf.pos
            }
            atFrameBoundary = (hint == 0)
            if produced > 0 {
                try outBuffer.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if produced < capacity && inBuf.pos == inBuf.size { break }
        } while true
    }
}
