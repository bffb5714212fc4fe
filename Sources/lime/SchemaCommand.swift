import ArgumentParser
import Foundation
import LimeData
import LimeSupport
import LimeText

/// `lime schema DIR`: writes the generated schema files (tag sets, provenance SQL).
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write Schemas/tagsets.json and Schemas/provenance.sql from the code.")

    @Argument(help: "Directory to write into (the repository's Schemas/).")
    var directory = "Schemas"

    func run() throws {
        try AtomicFile.write(TagSets.canonicalJSON(), to: (directory as NSString).appendingPathComponent("tagsets.json"))
        try AtomicFile.write(ProvenanceSchema.sql, to: (directory as NSString).appendingPathComponent("provenance.sql"))
        print("wrote \(directory)/tagsets.json and \(directory)/provenance.sql")
    }
}
