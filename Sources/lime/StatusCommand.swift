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
        for (component, rows) in Dictionary(grouping: try store.stageOutputs(.annotate), by: \.component).sorted(by: { $0.key < $1.key }) {
            let kept = rows.filter { $0.status == .kept }
            let megabytes = Double(kept.reduce(0) { $0 + $1.bytes }) / 1e6
            print("  annotations annotations/\(component.prefix(12)): \(kept.count) units kept (\(kept.reduce(0) { $0 + $1.documents }) documents, \(String(format: "%.1f", megabytes)) MB), \(rows.count - kept.count) dropped")
        }
        try printShardSets()
        if let last = status.lastRun { print("  last run: \(last)") }
        if quarantine {
            for record in try store.quarantined() {
                print("\(record.path):\(record.line): [\(record.stage)] \(record.reason)")
            }
        }
    }

    /// The further shard sets of the directory (other tokenizers or annotators).
    private func printShardSets() throws {
        let folder = (directory as NSString).appendingPathComponent(ShardSetPlacement.folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names.sorted() {
            let path = (folder as NSString).appendingPathComponent(name)
            if let manifest = try? Manifest.read(from: path) {
                print("  shard set \(ShardSetPlacement.folder)/\(name): complete, tokenizer \(manifest.tokenizer.file) (\(manifest.tokenizer.mode)), \(manifest.shards.count) shards, \(manifest.tokens) tokens")
            } else {
                print("  shard set \(ShardSetPlacement.folder)/\(name): incomplete (see `lime status \(path)`)")
            }
        }
    }

    static func order(_ stage: String) -> Int { ["read", "annotate", "align", "pack"].firstIndex(of: stage) ?? 9 }
}
