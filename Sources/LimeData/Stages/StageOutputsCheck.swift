import Foundation
import LimeSupport

/// Checks the stage outputs a dataset directory's provenance records as kept: each file
/// present, with the recorded size and SHA-256, and readable (checksummed payload, tokens
/// within their text, the recorded unit and document count).
public enum StageOutputsCheck {
    public struct Report: Sendable {
        public var files = 0
        public var documents = 0
        public var problems: [String] = []
    }

    public static func verify(directory: String) throws -> Report {
        var report = Report()
        let path = (directory as NSString).appendingPathComponent("provenance.sqlite")
        guard FileManager.default.fileExists(atPath: path) else { return report }
        let store = try ProvenanceStore(path: path)
        for row in try store.stageOutputs(.annotate) where row.status == .kept {
            let file = (directory as NSString).appendingPathComponent(row.file)
            guard let data = FileManager.default.contents(atPath: file) else {
                report.problems.append("\(row.file): stage output missing or unreadable")
                continue
            }
            let bytes = [UInt8](data)
            if bytes.count != row.bytes || Hashing.hex(Hashing.sha256(bytes)) != row.sha256 {
                report.problems.append("\(row.file): size or SHA-256 differs from provenance (truncated or modified)")
                continue
            }
            do {
                let annotations = try AnnotationFile(bytes: bytes, path: row.file)
                if annotations.key != row.key || annotations.documents.count != row.documents {
                    report.problems.append("\(row.file): unit or document count differs from provenance")
                }
                report.documents += annotations.documents.count
            } catch {
                report.problems.append("\(error)")
            }
            report.files += 1
        }
        return report
    }
}
