import Foundation
import LimeSupport
import LimeText
import Testing
@testable import LimeData

/// The files under Schemas/ are generated from the code (`make schemas`); they must agree.
@Suite struct SchemaTests {
    static func repositoryFile(_ relative: String) throws -> String {
        let path = RepositoryPaths.file(relative)
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func tagsetsJSONMatchesTheCode() throws {
        #expect(try Self.repositoryFile("Schemas/tagsets.json") == TagSets.canonicalJSON())
        let object = try JSONSerialization.jsonObject(with: Data(TagSets.canonicalJSON().utf8)) as? [String: Any]
        #expect((object?["tag"] as? [String])?.count == 53)
        #expect((object?["ner"] as? [String])?.contains("B-WORK_OF_ART") == true)
    }

    @Test func provenanceSQLMatchesTheCode() throws {
        #expect(try Self.repositoryFile("Schemas/provenance.sql") == ProvenanceSchema.sql)
    }

    @Test func manifestFollowsItsSchemaKeys() throws {
        let schema = try JSONSerialization.jsonObject(with: Data(try Self.repositoryFile("Schemas/manifest.schema.json").utf8)) as! [String: Any]
        let required = Set(schema["required"] as! [String])
        let manifest = Manifest(tokenizer: .init(file: "t.model", sha256: String(repeating: "0", count: 64), vocabSize: 8, mode: "lime"),
                                tagsetsSHA256: String(repeating: "1", count: 64), annotator: ["name": "x"], partition: nil,
                                documents: 0, tokens: 0, quarantined: 0, shards: [])
        let encoded = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(manifest)) as! [String: Any]
        #expect(required.isSubset(of: Set(encoded.keys)))
    }
}
