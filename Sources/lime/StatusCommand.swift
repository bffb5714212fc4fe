import ArgumentParser
import Foundation
import LimeData

/// `lime status DIR`: per-stage progress of a run (works while it runs).
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a run's progress per stage, and its quarantined records.")

    @Argument(help: "Output directory of `lime run`.")
    var directory: String
    @Flag(name: .long, help: "List every quarantined record with its file, line and reason.")
    var quarantine = false

    func run() throws {
        let path = (directory as NSString).appendingPathComponent("provenance.sqlite")
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(directory): no provenance.sqlite (not a lime output directory)") }
        let store = try ProvenanceStore(path: path)
        let status = try store.status()
        let done = FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(Manifest.fileName))
        print("\(directory): \(done ? "complete (manifest written)" : "incomplete")")
        print("  inputs: \(status.inputsRead)/\(status.inputs) read whole, \(String(format: "%.1f", Double(status.inputBytes) / 1e6)) MB")
        print("  units committed: \(status.unitsCommitted) (\(String(format: "%.1f", Double(status.committedBytes) / 1e6)) MB of input)")
        print("  documents: \(status.documents), tokens: \(status.tokens), quarantined: \(status.quarantined)")
        for stage in status.stages.sorted(by: { Self.order($0.stage) < Self.order($1.stage) }) {
            let rate = Double(stage.items) / max(stage.seconds, 1e-9)
            print("  stage \(stage.stage.padding(toLength: 9, withPad: " ", startingAt: 0)) \(stage.units) units, \(stage.items) items, \(String(format: "%.1f", stage.seconds)) s worker time (\(String(format: "%.0f", rate)) items/s)")
        }
        if let last = status.lastRun { print("  last run: \(last)") }
        if quarantine {
            for record in try store.quarantined() {
                print("\(record.path):\(record.line): [\(record.stage)] \(record.reason)")
            }
        }
    }

    static func order(_ stage: String) -> Int { ["read", "annotate", "align", "pack"].firstIndex(of: stage) ?? 9 }
}
