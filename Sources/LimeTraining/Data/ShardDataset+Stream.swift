import LimeData

/// Packed streams straight from a shard's sections (no per-document arrays, document ids
/// not decoded): what random reads and the global shuffle decode per shard.
extension ShardDataset {
    /// The documents of shard `index` that `include` accepts (given each document's pieces),
    /// in shard order, each followed by the separator.
    public func packedStream(ofShard index: Int, include: (ArraySlice<UInt32>) -> Bool = { _ in true }) throws -> PackedStream {
        let reader = try reader(ofShard: index)
        let tokens = try reader.tokens(), offsets = try reader.documentOffsets()
        let tag = try reader.sectionBytes(.tag), pos = try reader.sectionBytes(.pos), ner = try reader.sectionBytes(.ner)
        let wordStart = try reader.sectionBytes(.wordStart)
        var stream = PackedStream()
        let reserve = tokens.count + reader.documentCount
        stream.tokens.reserveCapacity(reserve); stream.tag.reserveCapacity(reserve); stream.pos.reserveCapacity(reserve)
        stream.ner.reserveCapacity(reserve); stream.wordStart.reserveCapacity(reserve)
        for d in 0..<reader.documentCount {
            let range = offsets[d]..<offsets[d + 1]
            guard include(tokens[range]) else { continue }
            for t in tokens[range] { stream.tokens.append(Int32(t)) }
            stream.tag += tag[range]; stream.pos += pos[range]; stream.ner += ner[range]; stream.wordStart += wordStart[range]
            stream.tokens.append(separator)
            stream.tag.append(2); stream.pos.append(2); stream.ner.append(2); stream.wordStart.append(1)
        }
        return stream
    }

    /// Tokens in the packed stream of shard `index` (documents `include` accepts, plus one
    /// separator each), reading only its tokens and document offsets.
    public func packedLength(ofShard index: Int, include: (ArraySlice<UInt32>) -> Bool) throws -> Int {
        let reader = try reader(ofShard: index)
        let tokens = try reader.tokens(), offsets = try reader.documentOffsets()
        var n = 0
        for d in 0..<reader.documentCount where include(tokens[offsets[d]..<offsets[d + 1]]) { n += offsets[d + 1] - offsets[d] + 1 }
        return n
    }
}
