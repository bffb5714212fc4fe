import LimeData
import LimeFuzzSupport
import LimeSupport

/// The shard reader: header, section table, every section and the documents. Each input is
/// read as it is, then again with its header and section checksums recomputed, so that
/// mutations reach the table and the sections behind the SHA-256 checks.
func fuzzShard(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    read(bytes)
    if let repaired = repairChecksums(bytes) { read(repaired) }
    return 0
}

private let name = "fuzz.lime"

private func read(_ bytes: [UInt8]) {
    guard let reader = Fuzz.expectNamedError(name, { try ShardReader(path: name, bytes: bytes) }) else { return }
    _ = Fuzz.expectNamedError(name) { try reader.verify() }
    if let documents = Fuzz.expectNamedError(name, { try reader.documents() }) {
        Fuzz.check(documents.count == reader.documentCount, "documents() returned \(documents.count) of \(reader.documentCount)")
    }
    for section in ShardFormat.Section.allCases { _ = Fuzz.expectNamedError(name) { try reader.sectionBytes(section) } }
}

/// The input with the SHA-256 of each section in the table and of the header rewritten.
private func repairChecksums(_ input: [UInt8]) -> [UInt8]? {
    guard input.count >= ShardFormat.headerSize, Array(input[0..<8]) == ShardFormat.magic else { return nil }
    var bytes = input
    var header = ByteReader(bytes, offset: 96)  // the section count
    let sections = min(Int((try? header.read(UInt32.self)) ?? 0), 64)
    for index in 0..<sections {
        let entry = ShardFormat.headerSize + index * ShardFormat.sectionEntrySize
        guard entry + ShardFormat.sectionEntrySize <= bytes.count else { break }
        var table = ByteReader(bytes, offset: entry + 16)
        guard let offset = try? table.read(UInt64.self), let length = try? table.read(UInt64.self),
              offset <= UInt64(bytes.count), length <= UInt64(bytes.count) - offset else { continue }
        let digest = Hashing.sha256(bytes[Int(offset)..<Int(offset + length)])
        bytes.replaceSubrange((entry + 32)..<(entry + 64), with: digest)
    }
    bytes.replaceSubrange(120..<128, with: Hashing.sha256(bytes[0..<120]).prefix(8))
    return bytes
}

// Last, after the globals above are initialized: libFuzzer runs `fuzzShard` on every input.
Fuzz.main { fuzzShard($0, $1) }
