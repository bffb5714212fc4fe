/// The stages a work unit goes through, in order. Their raw values name them in
/// provenance (`unit_stages.stage`, `quarantine.stage`) and in `lime status`.
public enum UnitStage: String, Sendable, CaseIterable, Codable {
    /// Parse each record into a document (bad records are quarantined here).
    case read
    /// Pre-tokenize and tag: tokens with byte offsets and tag, POS and NER ids.
    case annotate
    /// Subword pieces, each carrying its word's tags.
    case align
    /// Serialize the unit's shard and write it atomically.
    case pack
}
