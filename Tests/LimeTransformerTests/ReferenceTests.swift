import Foundation
import Testing
@testable import LimeTransformer

/// Compares the Swift model's loss and gradients with an independent numpy implementation
/// (Tests/reference/transformer_reference.py) on the same weights and batch.
@Suite struct ReferenceTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("reference/transformer_reference.py").path

    @Test func numpyReferenceAgrees() throws {
        let model = try TinySetup.model()
        let batch = TinySetup.batch(seed: 12)
        let loss = try model.loss(batch, gradients: true)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lime-reference-\(getpid()).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try dump(model: model, batch: batch, loss: loss, to: path)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let text = String(decoding: stdout, as: UTF8.self)
        #expect(process.terminationStatus == 0, "reference failed: \(text) \(stderr)")
        let report = try JSONSerialization.jsonObject(with: stdout) as? [String: Any]
        let gradErr = report?["grad_max_err_rel_to_max"] as? Double ?? .infinity
        let lossErr = report?["loss_rel_err"] as? Double ?? .infinity
        #expect(gradErr < 1e-5, "gradient error \(gradErr)")
        #expect(lossErr < 1e-6, "loss error \(lossErr)")
        print("numpy reference:", text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Header length (u64 LE), JSON header, params, grads, tokens, targets, metadata.
    func dump(model: Transformer, batch: Transformer.Batch, loss: Float, to path: String) throws {
        let p = model.parameters
        let header: [String: Any] = [
            "config": try JSONSerialization.jsonObject(with: JSONEncoder().encode(model.config)),
            "batch": batch.batch, "length": batch.length, "count": p.count, "loss": Double(loss),
            "tensors": p.tensors.map { ["name": $0.name, "offset": $0.offset, "shape": $0.shape] as [String: Any] },
            "tolerance": ["loss": 1e-6, "grad": 1e-5],
        ]
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(UnsafeBufferPointer(start: p.values, count: p.count))
        data.append(UnsafeBufferPointer(start: p.grads, count: p.count))
        for ids in [batch.tokens, batch.targets] + batch.metadata { ids.withUnsafeBufferPointer { data.append($0) } }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
