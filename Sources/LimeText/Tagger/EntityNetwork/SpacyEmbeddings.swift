import Foundation
import LimeSupport

/// spaCy's hashed embedding tables (NORM, PREFIX, SUFFIX, SHAPE: the rows `SpacyBuckets`
/// selects), taken from a spaCy pipeline's entity recognizer by
/// `Pipelines/tagger/export_embeddings.py`, to start entity networks from what spaCy
/// learned about each row.
///
/// File (little-endian): magic "LIMESPEM" | u32 width | the four tables' rows one after
/// another (`SpacyBuckets.rowCounts` rows each), `width` f32 per row.
public struct SpacyEmbeddings: Sendable, Equatable {
    static let magic = Array("LIMESPEM".utf8)
    /// Floats per row.
    public let width: Int
    /// All rows, `width` floats each.
    let values: [Float]

    static var rowCount: Int { SpacyBuckets.rowCounts.reduce(0) { $0 + Int($1) } }

    init(width: Int, values: [Float]) {
        precondition(values.count == Self.rowCount * width)
        self.width = width
        self.values = values
    }

    /// Reads an exported file; errors name it and the problem.
    public static func load(path: String) throws -> SpacyEmbeddings {
        func fail(_ why: String) -> TaggerModelError { TaggerModelError(path: path, why) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the embedding tables") }
        var r = ByteReader([UInt8](data))
        guard r.remaining >= 12, Array(try r.read(count: 8)) == magic else { throw fail("not a spaCy embedding export (bad magic)") }
        let width = Int(try r.read(UInt32.self))
        guard width > 0, r.remaining == rowCount * width * 4 else {
            throw fail("\(data.count) bytes: expected \(rowCount) rows of width \(width)")
        }
        let values = try (0..<(rowCount * width)).map { _ in try r.readFloat() }
        guard values.allSatisfy(\.isFinite) else { throw fail("non-finite embedding values") }
        return SpacyEmbeddings(width: width, values: values)
    }
}

extension EntityNetwork {
    /// Sets the embedding tables to spaCy's (`tables.width` must be `embedding`); the
    /// padding rows become zero.
    mutating func setEmbeddings(_ tables: SpacyEmbeddings) {
        precondition(tables.width == embedding, "embedding width \(embedding), tables \(tables.width)")
        let start = layout.embeddings
        var source = 0
        for (a, count) in SpacyBuckets.rowCounts.enumerated() {
            let base = start + Self.attributeBase[a] * embedding
            for r in 0..<Int(count) * embedding { parameters[base + r] = tables.values[source + r] }
            for k in 0..<embedding { parameters[base + Int(count) * embedding + k] = 0 }
            source += Int(count) * embedding
        }
    }
}
