/// Appends little-endian values to a byte buffer.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []
    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func write(_ value: Float) { write(value.bitPattern) }
    public mutating func write(bytes more: [UInt8]) { bytes.append(contentsOf: more) }
    public mutating func write(bytes more: UnsafeRawBufferPointer) { bytes.append(contentsOf: more) }
    /// A UTF-8 string prefixed by its u32 byte length.
    public mutating func write(string: String) {
        let utf8 = Array(string.utf8)
        write(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
    public mutating func pad(to count: Int) {
        if bytes.count < count { bytes.append(contentsOf: repeatElement(0, count: count - bytes.count)) }
    }
}

/// A truncated or malformed binary buffer.
public struct ByteReaderError: Error, CustomStringConvertible, Sendable {
    public let description: String
    @usableFromInline init(description: String) { self.description = description }
}

/// Reads little-endian values from a byte buffer, throwing on truncation.
public struct ByteReader {
    public let bytes: [UInt8]
    public var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }

    /// Inlinable, so that readers in other modules (model files, checkpoints) get a
    /// specialized unaligned load instead of a generic call per value.
    @inlinable
    public mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else {
            throw ByteReaderError(description: "truncated: need \(size) bytes at offset \(offset), have \(remaining)")
        }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    /// An unsigned integer used as a count, size or offset: throws when it does not fit in
    /// an `Int` (or exceeds `limit`), instead of trapping on the conversion.
    public mutating func readCount<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, limit: Int = .max, what: String = "value") throws -> Int {
        let at = offset
        let value: T = try read()
        guard let count = Int(exactly: value), count <= limit else {
            throw ByteReaderError(description: "implausible \(what) \(value) at offset \(at)")
        }
        return count
    }

    public mutating func readFloat() throws -> Float { Float(bitPattern: try read(UInt32.self)) }

    public mutating func read(count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, offset + count <= bytes.count else {
            throw ByteReaderError(description: "truncated: need \(count) bytes at offset \(offset), have \(remaining)")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    public mutating func readString() throws -> String {
        let length = Int(try read(UInt32.self))
        return String(decoding: try read(count: length), as: UTF8.self)
    }
}
