import Foundation
import LimeSupport

/// Seconds spent in training steps up to a checkpoint's step, stored beside the checkpoint
/// (`timing.json`) rather than in it, so that checkpoints stay byte-identical across runs.
struct TrainingTiming: Codable, Equatable {
    var step: Int
    var trainSeconds: Double

    enum CodingKeys: String, CodingKey {
        case step
        case trainSeconds = "train_seconds"
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }

    /// The recorded seconds if `path` holds the timing of `step`; 0 otherwise (a missing
    /// or stale file only affects the reported time, never the training).
    static func read(_ path: String, step: Int) -> Double {
        guard let data = FileManager.default.contents(atPath: path),
              let timing = try? JSONDecoder().decode(TrainingTiming.self, from: data),
              timing.step == step else { return 0 }
        return timing.trainSeconds
    }
}
