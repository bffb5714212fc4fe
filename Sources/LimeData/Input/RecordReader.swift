import Foundation
import LimeSupport

/// One line of an input file, before parsing.
public struct RawRecord: Sendable {
    /// 1-based line number.
    public var line: Int
    /// Byte offset of the line's first byte in the (decompressed) stream.
    public var byteOffset: Int64
    public var bytes: [UInt8]
    /// Set when the line could not be read whole (too long, truncated input, read error).
    public var readError: String?
}

/// Streams the lines of an input file with bounded memory: plain or zstd-compressed,
/// read in 1 MiB chunks. A line longer than `maxRecordBytes` is reported as a read
/// error (and skipped to its end) instead of being held in memory. The raw file bytes
/// are hashed as they are read.
public final class RecordReader {
    public let file: InputFile
    public let maxRecordBytes: Int
    private let handle: FileHandle
    private let decoder: ZstdStreamDecoder?
    private var hasher = StreamingSHA256()
    private var current: [UInt8] = []  // the line being assembled
    private var currentOverflow = false
    private var line = 0
    private var streamOffset: Int64 = 0  // offset of `current`'s first byte
    private var consumed: Int64 = 0  // decompressed bytes handed out so far
    private var finished = false
    private var queued: [RawRecord] = []
    private var queuedNext = 0
    public private(set) var rawBytesRead: Int64 = 0

    public init(file: InputFile, maxRecordBytes: Int = 64 << 20) throws {
        self.file = file
        self.maxRecordBytes = maxRecordBytes
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            let reason = String(cString: strerror(errno))
            throw InputError(path: file.path, "cannot open: \(reason)")
        }
        self.handle = handle
        decoder = file.zstd ? try ZstdStreamDecoder() : nil
    }

    deinit { try? handle.close() }

    /// SHA-256 of the raw bytes read so far (the whole file once `next()` returned nil).
    public var sha256: [UInt8] { hasher.finalize() }

    /// The next line, or nil at the end of the file.
    public func next() -> RawRecord? {
        if queuedNext == queued.count {
            queued.removeAll(keepingCapacity: true)
            queuedNext = 0
            while queued.isEmpty && !finished { fill() }
            if queued.isEmpty { return nil }
        }
        defer { queuedNext += 1 }
        return queued[queuedNext]
    }

    private func fill() {
        let chunk: Data
        do {
            chunk = try handle.read(upToCount: 1 << 20) ?? Data()
        } catch {
            emitCurrent(error: "read error: \(error.localizedDescription)")
            finished = true
            return
        }
        if chunk.isEmpty {
            if let decoder, !decoder.atFrameBoundary {
                emitCurrent(error: "truncated zstd stream: the file ends inside a compressed frame")
            } else if !current.isEmpty || currentOverflow {
                emitCurrent(error: nil)  // last line without a newline
            }
            finished = true
            return
        }
        rawBytesRead += Int64(chunk.count)
        chunk.withUnsafeBytes { hasher.update($0) }
        if let decoder {
            do {
                try chunk.withUnsafeBytes { raw in
                    try decoder.decode(raw) { split($0) }
                }
            } catch {
                emitCurrent(error: "corrupt zstd stream: \(error)")
                finished = true
            }
        } else {
            chunk.withUnsafeBytes { split($0) }
        }
    }

    private func split(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        let count = bytes.count
        while start < count {
            let remaining = count - start
            if let found = memchr(base + start, 0x0A, remaining) {
                let length = base.distance(to: UnsafeRawPointer(found)) - start
                append(UnsafeRawBufferPointer(start: base + start, count: length))
                consumed += Int64(length + 1)
                emitCurrent(error: nil)
                start += length + 1
            } else {
                append(UnsafeRawBufferPointer(start: base + start, count: remaining))
                consumed += Int64(remaining)
                start = count
            }
        }
    }

    private func append(_ bytes: UnsafeRawBufferPointer) {
        if currentOverflow { return }
        if current.count + bytes.count > maxRecordBytes {
            currentOverflow = true
            current = []
            return
        }
        current.append(contentsOf: bytes)
    }

    private func emitCurrent(error: String?) {
        line += 1
        var record = RawRecord(line: line, byteOffset: streamOffset, bytes: current, readError: error)
        if currentOverflow && error == nil {
            record.readError = "record longer than \(maxRecordBytes) bytes"
            record.bytes = []
        }
        if record.bytes.last == 0x0D { record.bytes.removeLast() }  // CRLF line ends
        queued.append(record)
        current = []
        current.reserveCapacity(256)
        currentOverflow = false
        streamOffset = consumed
    }
}
