import Foundation
import Testing
@testable import LimeTraining

/// `metrics.jsonl` lines are JSON objects with every field, head accuracies by kind, and
/// `null` where a number is not finite (a bare `nan` would not parse).
@Suite struct MetricsLineTests {
    @Test func lineIsJSONWithHeadFieldsAndNullForNaN() throws {
        let line = MetricsLine(step: 20, tokens: 640, trainLoss: .nan, valLoss: 4.5, valPerplexity: exp(4.5), valAccuracy: 0.25,
                               headAccuracy: [("tag", 0.5), ("ner", 0.75)], trainSeconds: 1.5)
        let data = try line.jsonLine()
        #expect(data.last == 0x0A && data.dropLast().allSatisfy { $0 != 0x0A })
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["step"] as? Int == 20 && object["tokens"] as? Int == 640)
        #expect(object["train_loss"] is NSNull)
        #expect(object["val_loss"] as? Double == 4.5 && object["val_acc"] as? Double == 0.25)
        #expect(object["val_head_acc_tag"] as? Double == 0.5 && object["val_head_acc_ner"] as? Double == 0.75)
        #expect(object["train_seconds"] as? Double == 1.5)
        #expect(Set(object.keys) == ["step", "tokens", "train_loss", "val_loss", "val_ppl", "val_acc",
                                     "val_head_acc_tag", "val_head_acc_ner", "train_seconds"])
    }
}
