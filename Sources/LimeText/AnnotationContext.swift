/// How much of a document an annotator may read to label a token.
///
/// `full` (the default, as spaCy): the whole document, so a token's tags may depend on the
/// words after it. `causal`: only the text up to and including the token, so changing
/// later text never changes earlier tags: the metadata a left-to-right model would have
/// while generating. Shards record which one made them; training refuses to mix them.
public enum AnnotationContext: String, Sendable, CaseIterable, Codable {
    case full
    case causal
}
