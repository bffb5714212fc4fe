import LimeSupport

/// Serializes aligned documents into shard bytes (deterministic for equal input).
public struct ShardWriter: Sendable {
    public var tokenizerSHA256: [UInt8]
    public var tagsetSHA256: [UInt8]
    public var vocabSize: Int
    public var zstdLevel: Int32

    public init(tokenizerSHA256: [UInt8], tagsetSHA256: [UInt8], vocabSize: Int, zstdLevel: Int32 = 3) {
        self.tokenizerSHA256 = tokenizerSHA256
        self.tagsetSHA256 = tagsetSHA256
        self.vocabSize = vocabSize
        self.zstdLevel = zstdLevel
    }

    public func serialize(_ documents: [AlignedDocument]) throws -> [UInt8] {
        let tokenCount = documents.reduce(0) { $0 + $1.count }
        let wide = vocabSize > Int(UInt16.max) + 1
        var payloads: [(ShardFormat.Section, UInt32, Int, [UInt8])] = []

        var tokens = ByteWriter(capacity: tokenCount * (wide ? 4 : 2))
        for document in documents {
            for id in document.tokens {
                if wide { tokens.write(id) } else { tokens.write(UInt16(truncatingIfNeeded: id)) }
            }
        }
        payloads.append((.tokens, wide ? 4 : 2, tokenCount, tokens.bytes))
        payloads.append((.tag, 1, tokenCount, documents.flatMap(\.tag)))
        payloads.append((.pos, 1, tokenCount, documents.flatMap(\.pos)))
        payloads.append((.ner, 1, tokenCount, documents.flatMap(\.ner)))
        payloads.append((.wordStart, 1, tokenCount, documents.flatMap(\.wordStart)))
        var offsets = ByteWriter(capacity: (documents.count + 1) * 8)
        var running: UInt64 = 0
        offsets.write(running)
        for document in documents {
            running += UInt64(document.count)
            offsets.write(running)
        }
        payloads.append((.docOffsets, 8, documents.count + 1, offsets.bytes))
        var ids: [UInt8] = []
        for document in documents {
            ids.append(contentsOf: document.id.utf8)
            ids.append(0x0A)
        }
        payloads.append((.docIDs, 1, ids.count, ids))

        let compressed = try payloads.map { try Zstd.compress($0.3, level: zstdLevel) }
        var header = ByteWriter(capacity: ShardFormat.headerSize)
        header.write(bytes: ShardFormat.magic)
        header.write(ShardFormat.version)
        header.write(wide ? ShardFormat.flagTokensU32 : 0)
        header.write(UInt64(documents.count))
        header.write(UInt64(tokenCount))
        header.write(bytes: tokenizerSHA256)
        header.write(bytes: tagsetSHA256)
        header.write(UInt32(payloads.count))
        header.write(UInt32(vocabSize))
        header.pad(to: 120)
        header.write(bytes: Array(Hashing.sha256(header.bytes).prefix(8)))

        var out = ByteWriter(capacity: compressed.reduce(512) { $0 + $1.count })
        out.write(bytes: header.bytes)
        var offset = ShardFormat.headerSize + ShardFormat.sectionEntrySize * payloads.count
        for (index, payload) in payloads.enumerated() {
            out.write(payload.0.rawValue)
            out.write(payload.1)
            out.write(UInt64(payload.2))
            out.write(UInt64(offset))
            out.write(UInt64(compressed[index].count))
            out.write(bytes: Hashing.sha256(compressed[index]))
            offset += compressed[index].count
        }
        for payload in compressed { out.write(bytes: payload) }
        return out.bytes
    }
}
