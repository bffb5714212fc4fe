import Foundation

/// Per-call scratch state: the pre-tokenizer's buffers, BPE scratch space, the word cache
/// and the normalized copy of a segment with its map back to input offsets.
final class Workspace {
    /// The word cache is cleared when its arenas pass this many bytes.
    static let cacheLimit = 64 << 20
    var scanner = PreTokenizerScanner()
    var bpe = BPEWork()
    var cache = ByteStringTable(capacity: 1 << 14)
    var ends: [Int] = []
    var pieces: [Int] = []
    var tokens: [Int32] = []
    /// A segment rewritten (prefix space, NFC), with each byte's input span.
    var buffer: [UInt8] = []
    var begins: [Int] = []
    var endsMap: [Int] = []

    /// Fills `buffer` when the segment must be rewritten; false when it is used as is.
    func prepare(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, nfc: Bool, addPrefixSpace: Bool) -> Bool {
        let prefix = addPrefixSpace && text[range.lowerBound] != UInt8(ascii: " ")
        let normalize = nfc && !range.allSatisfy({ text[$0] < 0x80 }) && !Self.isNFC(text, range)
        guard prefix || normalize else { return false }
        buffer.removeAll(keepingCapacity: true)
        begins.removeAll(keepingCapacity: true)
        endsMap.removeAll(keepingCapacity: true)
        if prefix {
            buffer.append(UInt8(ascii: " "))
            begins.append(range.lowerBound)
            endsMap.append(range.lowerBound)
        }
        if normalize {
            // NFC per grapheme cluster; every byte of a cluster maps to the cluster's span.
            let string = String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
            var offset = range.lowerBound
            for cluster in string {
                let original = String(cluster).utf8.count
                let normalized = String(cluster).precomposedStringWithCanonicalMapping.utf8
                buffer.append(contentsOf: normalized)
                begins.append(contentsOf: repeatElement(offset, count: normalized.count))
                endsMap.append(contentsOf: repeatElement(offset + original, count: normalized.count))
                offset += original
            }
        } else {
            for i in range {
                buffer.append(text[i])
                begins.append(i)
                endsMap.append(i + 1)
            }
        }
        return true
    }

    private static func isNFC(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let string = String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
        return string.precomposedStringWithCanonicalMapping.utf8.elementsEqual(string.utf8)
    }
}

/// A pool of workspaces: a call takes one (or makes one) and gives it back.
final class WorkspacePool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [Workspace] = []

    func take() -> Workspace {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast() ?? Workspace()
    }

    func give(_ workspace: Workspace) {
        lock.lock()
        free.append(workspace)
        lock.unlock()
    }
}
