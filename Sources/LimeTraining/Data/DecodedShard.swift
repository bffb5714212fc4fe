import LimeData

/// One shard's token-parallel sections and document offsets, decoded: windows of its
/// packed stream (every document followed by the separator) are sliced out directly,
/// without building the stream.
struct DecodedShard: Sendable {
    let tokens: [UInt32]
    let tag: [UInt8], pos: [UInt8], ner: [UInt8], wordStart: [UInt8]
    let offsets: [Int]
    let separator: Int32

    init(_ reader: ShardReader, separator: Int32) throws {
        tokens = try reader.tokens()
        tag = try reader.sectionBytes(.tag)
        pos = try reader.sectionBytes(.pos)
        ner = try reader.sectionBytes(.ner)
        wordStart = try reader.sectionBytes(.wordStart)
        offsets = try reader.documentOffsets()
        self.separator = separator
    }

    /// Length of the packed stream.
    var streamLength: Int { tokens.count + offsets.count - 1 }

    /// Window `index` of `length + 1` stream positions: `index * length ... index * length + length`.
    func window(_ index: Int, length: Int) -> TrainingWindow {
        let first = index * length
        // Document d's stream positions are offsets[d] + d ..< offsets[d + 1] + d, then its separator.
        var lo = 0, hi = offsets.count - 2
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if offsets[mid] + mid <= first { lo = mid } else { hi = mid - 1 }
        }
        var d = lo
        var w = TrainingWindow(tokens: [], tag: [], pos: [], ner: [], wordStart: [])
        w.tokens.reserveCapacity(length + 1); w.tag.reserveCapacity(length + 1); w.pos.reserveCapacity(length + 1)
        w.ner.reserveCapacity(length + 1); w.wordStart.reserveCapacity(length + 1)
        // Copy runs: the rest of document d's pieces, then its separator, until the window is full.
        var p = first
        let end = first + length + 1
        while p < end {
            let t = p - d, stop = offsets[d + 1]
            if t < stop {
                let run = t..<min(stop, t + end - p)
                w.tokens.append(contentsOf: tokens[run].lazy.map { Int32($0) })
                w.tag += tag[run]; w.pos += pos[run]; w.ner += ner[run]; w.wordStart += wordStart[run]
                p += run.count
            } else {
                w.tokens.append(separator); w.tag.append(2); w.pos.append(2); w.ner.append(2); w.wordStart.append(1)
                p += 1
                d += 1
            }
        }
        return w
    }
}
