import Foundation
import LimeData
import LimeFuzzSupport
import LimeSupport

/// The record reader and the document parser over JSONL and text input, plain and zstd.
/// The first byte picks the case: bits 0-1 the framing (0 plain `.jsonl`; 1 `.jsonl.zst`
/// compressed by the harness, so the lines inside are fuzzed; 2 the rest as a raw
/// `.jsonl.zst` stream, so the zstd framing is fuzzed; 3 plain `.txt`), bit 2 accepts
/// `"tokens"`, bit 3 limits records to 64 bytes.
func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    guard let mode = bytes.first else { return 0 }
    let body = Array(bytes.dropFirst())
    let (suffix, contents): (String, [UInt8])
    switch mode & 3 {
    case 0: (suffix, contents) = ("jsonl", body)
    case 1: (suffix, contents) = ("jsonl.zst", (try? Zstd.compress(body, level: 1)) ?? [])
    case 2: (suffix, contents) = ("jsonl.zst", body)
    default: (suffix, contents) = ("txt", body)
    }
    let path = Fuzz.scratchFile(named: "input.\(suffix)", contents: contents)
    guard let file = (try? InputDiscovery.expand([path]))?.first else { Fuzz.check(false, "\(path) not found as an input"); return 0 }
    let (format, zstd) = (file.format, file.zstd)
    let parser = DocumentParser(allowTokens: mode & 4 != 0)
    guard let reader = Fuzz.expectNamedError(file.path, { try RecordReader(file: file, maxRecordBytes: mode & 8 != 0 ? 64 : 64 << 20) }) else {
        return 0
    }
    var line = 0
    var offset: Int64 = -1
    while let record = reader.next() {
        line += 1
        Fuzz.check(record.line == line, "record \(record.line) after \(line - 1)")
        Fuzz.check(record.byteOffset > offset, "byte offset \(record.byteOffset) after \(offset)")
        offset = record.byteOffset
        Fuzz.check(record.bytes.count <= reader.maxRecordBytes, "record of \(record.bytes.count) bytes")
        switch parser.parse(record, file: file) {
        case .success(let document):
            Fuzz.check(!document.id.isEmpty || format == .jsonl, "text document without an id")
        case .failure(let quarantined):
            Fuzz.check(quarantined.path == file.path && quarantined.line == line && !quarantined.reason.isEmpty,
                       "quarantined record without its place: \(quarantined)")
        }
    }
    if !zstd { Fuzz.check(reader.rawBytesRead == Int64(contents.count), "read \(reader.rawBytesRead) of \(contents.count) bytes") }
    return 0
}

// Last, after the globals above are initialized: libFuzzer runs `fuzzInput` on every input.
Fuzz.main { fuzzInput($0, $1) }
