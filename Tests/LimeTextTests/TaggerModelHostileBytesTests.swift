import Foundation
import LimeSupport
import Testing
@testable import LimeText

/// Model files whose frame is valid but whose sizes say impossible things (found by reading
/// the loader against the fuzz target `fuzz-tagger-model`): refused with an error naming
/// the file before anything of that size is allocated, never a trap.
@Suite struct TaggerModelHostileBytesTests {
    static let model = try! TaggerModelFileTests.smallModel().0

    /// A model file around `payload`, with `size` as the stated payload size.
    static func file(_ payload: [UInt8], size: UInt64? = nil) throws -> [UInt8] {
        var w = ByteWriter()
        w.write(bytes: TaggerModel.magic)
        w.write(TaggerModel.formatVersion)
        w.write(TaggerModel.featureVersion)
        w.write(size ?? UInt64(payload.count))
        w.write(bytes: try Zstd.compress(payload))
        return w.bytes
    }

    /// The model's payload and the offset of its first weight table (after the labels).
    static func payload() throws -> ([UInt8], Int) {
        let bytes = try model.serialized()
        let payload = try bytes.withUnsafeBytes { try Zstd.decompress(UnsafeRawBufferPointer(rebasing: $0[24...])) }
        var r = ByteReader(payload)
        _ = try r.readString()
        for _ in 0..<3 {
            let count: UInt32 = try r.read()
            for _ in 0..<count { _ = try r.readString() }
        }
        return (payload, r.offset)
    }

    func expectRefused(_ bytes: [UInt8], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: TaggerModelError.self, Comment(rawValue: what), sourceLocation: sourceLocation) {
            _ = try TaggerModel.load(bytes: bytes, name: "hostile.lmtag")
        }
        #expect(error?.description.hasPrefix("hostile.lmtag: ") == true, sourceLocation: sourceLocation)
    }

    @Test func statedPayloadSizesBeyondTheFrameAreRefused() throws {
        let (payload, _) = try Self.payload()
        #expect(try TaggerModel.load(bytes: try Self.file(payload), name: "good").serialized() == (try Self.model.serialized()))
        expectRefused(try Self.file(payload, size: .max), "payload size 2^64-1")
        expectRefused(try Self.file(payload, size: 1 << 50), "payload size 2^50")
        expectRefused(try Self.file(payload, size: UInt64(payload.count + 1)), "one byte more than the frame")
    }

    @Test func tableCountsBeyondThePayloadAreRefusedBeforeAllocating() throws {
        let (payload, tables) = try Self.payload()
        // The first table: u32 classes, u32 key count, u32 entry count.
        for (field, what) in [(4, "key count"), (8, "entry count")] {
            var bad = payload
            bad.replaceSubrange((tables + field)..<(tables + field + 4), with: [0xFF, 0xFF, 0xFF, 0xFF])
            expectRefused(try Self.file(bad), "\(what) 2^32-1 (a 32 GB table)")
        }
        var labels = payload
        let descriptionLength = Int(labels[0]) | Int(labels[1]) << 8
        labels.replaceSubrange((4 + descriptionLength)..<(8 + descriptionLength), with: [0xFF, 0xFF, 0xFF, 0x7F])
        expectRefused(try Self.file(labels), "a label count of 2^31")
    }

    /// Found by `fuzz-tagger-model`: an entity network with impossible widths was refused
    /// with a message that did not name the file.
    @Test func fuzzCrashEntityNetworkWidthsNameTheFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/regressions/tagger-model/entity-network-widths").path
        let input = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // The fuzz input's first byte is odd: the rest is a payload the harness wraps in a frame.
        #expect(input.first.map { $0 & 1 == 1 } == true)
        expectRefused(try Self.file(Array(input.dropFirst())), "entity network widths in the billions")
    }
}
