/// Logits at every position, for evaluation (per-position loss, accuracy, breakdowns).
extension Transformer {
    /// Runs the forward pass and returns a view of the logits (`batch * length` rows of
    /// `vocabSize`, row-major). The view is valid until the model's next call.
    public func logits(_ b: Batch) throws -> UnsafeBufferPointer<Float> {
        try check(b, needsTargets: false)
        forwardBody(b)
        return UnsafeBufferPointer(start: work.logits, count: b.batch * b.length * config.vocabSize)
    }
}
