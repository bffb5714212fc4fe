import Foundation
import LimeSupport
import LimeText

/// `lime export --stage annotate`: the kept annotations of a dataset directory as
/// `lime annotate` JSONL (with each document's `text`, so `lime run` reads it back),
/// in unit order. Documents the annotator refused are not written (they are in the
/// quarantine, see `lime status --quarantine`).
public enum AnnotationExport {
    /// Writes every kept annotation of the directory's annotator; returns the documents written.
    public static func export(directory: String, to handle: FileHandle) throws -> Int {
        let path = (directory as NSString).appendingPathComponent("provenance.sqlite")
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError(path: directory, "no provenance.sqlite (not a lime output directory)")
        }
        let store = try ProvenanceStore(path: path)
        guard let fingerprint = try store.config()["annotator_fingerprint"] else {
            throw PipelineError(path: directory, "no run recorded yet")
        }
        let component = Hashing.hex(Hashing.sha256(Array(fingerprint.utf8)))
        let rows = try store.stageOutputs(.annotate, component: component)
        if rows.contains(where: { $0.status == .dropped }) {
            throw PipelineError(path: directory, "the annotations were dropped after packing (stages.keep_annotations: false); rerun with them kept")
        }
        var count = 0
        for row in rows where row.status == .kept {
            let file = (directory as NSString).appendingPathComponent(row.file)
            guard let data = FileManager.default.contents(atPath: file) else { throw PipelineError(path: row.file, "missing") }
            let annotations = try AnnotationFile(bytes: [UInt8](data), path: row.file)
            var buffer = ""
            for document in annotations.documents {
                guard let tokens = document.tokens,
                      let line = AnnotateJob.line(id: document.id, text: document.text, tokens: tokens, includeText: true) else { continue }
                buffer += line
                count += 1
            }
            try handle.write(contentsOf: Data(buffer.utf8))
        }
        return count
    }
}
