import Foundation
import LimeSupport

/// The annotate stage's outputs of one dataset directory for one annotator: an
/// `AnnotationFile` per work unit under `annotations/<annotator-sha12>/`, each recorded
/// in the dataset's provenance (`stage_outputs`). A unit whose recorded output matches
/// its input and annotator is not annotated again: after a crash in a later stage, or in
/// a run with another tokenizer. Safe to use from several worker threads.
public final class AnnotationStage: @unchecked Sendable {
    /// The dataset directory (the one holding `annotations/`).
    public let datasetDirectory: String
    /// The dataset directory's provenance store.
    public let store: ProvenanceStore
    /// `key=value;...` of the annotator's fingerprint.
    public let fingerprint: String
    /// SHA-256 (hex) of `fingerprint`: the `component` of its rows.
    public let component: String
    public let zstdLevel: Int32

    public init(datasetDirectory: String, store: ProvenanceStore, fingerprint: String, zstdLevel: Int32) {
        self.datasetDirectory = datasetDirectory
        self.store = store
        self.fingerprint = fingerprint
        self.component = Hashing.hex(Hashing.sha256(Array(fingerprint.utf8)))
        self.zstdLevel = zstdLevel
    }

    /// The folder of this annotator's files, relative to the dataset directory.
    public var relativeDirectory: String { "annotations/\(component.prefix(12))" }

    private func absolute(_ relative: String) -> String {
        (datasetDirectory as NSString).appendingPathComponent(relative)
    }

    /// Creates the folder and removes temporary files an interrupted write left there.
    public func prepare() throws {
        let folder = absolute(relativeDirectory)
        try Directory.create(folder)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.contains(".tmp-") {
            try Directory.remove((folder as NSString).appendingPathComponent(name), what: "a temporary file of an earlier run")
        }
    }

    /// The recorded annotations of a unit, if they were made from the same input lines by
    /// this annotator and the file still has the recorded hash; nil otherwise (the unit is
    /// then annotated again and the file replaced).
    public func load(_ key: UnitKey, inputSHA256: String) -> (AnnotationFile, StageOutputRecord)? {
        guard let row = try? store.stageOutput(.annotate, key: key, component: component), row.status == .kept,
              row.inputSHA256 == inputSHA256,
              let data = FileManager.default.contents(atPath: absolute(row.file)) else { return nil }
        let bytes = [UInt8](data)
        guard Hashing.hex(Hashing.sha256(bytes)) == row.sha256,
              let file = try? AnnotationFile(bytes: bytes, path: row.file),
              file.key == key, file.fingerprint == fingerprint else { return nil }
        return (file, row)
    }

    /// Writes a unit's annotations atomically and records them; returns the row.
    @discardableResult
    public func save(_ file: AnnotationFile) throws -> StageOutputRecord {
        let bytes = try file.serialize(zstdLevel: zstdLevel)
        let relative = (relativeDirectory as NSString).appendingPathComponent(AnnotationFile.fileName(file.key))
        try AtomicFile.write(bytes, to: absolute(relative))
        let row = StageOutputRecord(
            stage: .annotate, key: file.key, component: component, inputSHA256: Hashing.hex(file.inputSHA256),
            file: relative, sha256: Hashing.hex(Hashing.sha256(bytes)), bytes: bytes.count,
            documents: file.documents.count, status: .kept)
        try store.recordStageOutput(row)
        return row
    }

    /// Removes this annotator's files once every unit is packed, for users short of disk
    /// (`stages.keep_annotations: false`); their rows stay, marked `dropped`.
    public func dropAll() throws {
        for var row in try store.stageOutputs(.annotate, component: component) where row.status == .kept {
            let path = absolute(row.file)
            if FileManager.default.fileExists(atPath: path) { try Directory.remove(path, what: "an annotation file") }
            row.status = .dropped
            try store.recordStageOutput(row)
        }
    }
}
