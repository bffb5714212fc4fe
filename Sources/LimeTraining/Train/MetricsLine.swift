import Foundation

/// One line of a run's `metrics.jsonl`, written at every validation: where training stands
/// and what validation measured (with, for a run with a metadata head, the head's accuracy
/// per kind as `val_head_acc_<kind>`). A number that is not finite is written as `null`.
struct MetricsLine: Encodable {
    var step: Int
    var tokens: Int
    var trainLoss: Double
    var valLoss: Double
    var valPerplexity: Double
    var valAccuracy: Double
    /// (kind, accuracy) of the metadata head, in the variant's kind order.
    var headAccuracy: [(kind: String, accuracy: Double)]
    var trainSeconds: Double

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        func number(_ value: Double, _ key: String) throws {
            if value.isFinite { try c.encode(value, forKey: Key(key)) } else { try c.encodeNil(forKey: Key(key)) }
        }
        try c.encode(step, forKey: Key("step"))
        try c.encode(tokens, forKey: Key("tokens"))
        try number(trainLoss, "train_loss")
        try number(valLoss, "val_loss")
        try number(valPerplexity, "val_ppl")
        try number(valAccuracy, "val_acc")
        for (kind, accuracy) in headAccuracy { try number(accuracy, "val_head_acc_\(kind)") }
        try number(trainSeconds, "train_seconds")
    }

    /// The line's JSON and a newline.
    func jsonLine() throws -> Data {
        var data = try JSONEncoder().encode(self)
        data.append(0x0A)
        return data
    }
}
