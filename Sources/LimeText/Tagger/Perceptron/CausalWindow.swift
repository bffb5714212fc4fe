/// Left-context views for causal tagging (`AnnotationContext.causal`): the feature
/// templates read tokens i - 2 ... i + 2, so a view copies tokens i - 2 ... i and puts the
/// padding that follows a document in place of i + 1 and i + 2 (their tokens, tag
/// dictionary classes and tags), and clears token i's "whitespace after" flag. Templates
/// read the view at `center`; their features then depend on the text up to token i only.
/// Used the same way in training and annotation. One per thread.
final class CausalWindow {
    static let center = 2
    private let tokens = UnsafeMutablePointer<TokenInfo>.allocate(capacity: 5)
    private let classes = UnsafeMutablePointer<UInt64>.allocate(capacity: 5)
    private let tags = UnsafeMutablePointer<UInt64>.allocate(capacity: 5)
    /// `TokenInfo.flags` bit 3: whitespace (or the text's end) right after the token.
    private static let spaceAfter: UInt64 = 1 << 3

    init() {
        tokens.initialize(repeating: .after, count: 5)
        classes.initialize(repeating: TaggerClasses.history(-2, 3), count: 5)
        tags.initialize(repeating: TaggerClasses.history(-2, 1), count: 5)
    }

    deinit {
        tokens.deinitialize(count: 5)
        tokens.deallocate()
        classes.deallocate()
        tags.deallocate()
    }

    /// Position `i`'s tokens and tag dictionary classes, right context hidden.
    @inline(__always)
    func view(_ t: UnsafePointer<TokenInfo>, _ d: UnsafePointer<UInt64>, at i: Int)
        -> (tokens: UnsafePointer<TokenInfo>, classes: UnsafePointer<UInt64>) {
        (leftTokens(t, at: i), left(d, at: i, into: classes))
    }

    /// Position `i`'s tokens and predicted tags (`h`, padded like `t`), right context hidden.
    @inline(__always)
    func view(_ t: UnsafePointer<TokenInfo>, tags h: UnsafePointer<UInt64>, at i: Int)
        -> (tokens: UnsafePointer<TokenInfo>, tags: UnsafePointer<UInt64>) {
        (leftTokens(t, at: i), left(h, at: i, into: tags))
    }

    /// Tokens i - 2 ... i into the view, token i without its whitespace-after flag.
    @inline(__always)
    private func leftTokens(_ t: UnsafePointer<TokenInfo>, at i: Int) -> UnsafePointer<TokenInfo> {
        for k in 0...2 { tokens[k] = t[i - 2 + k] }
        tokens[2].flags &= ~Self.spaceAfter
        return UnsafePointer(tokens)
    }

    /// Values i - 2 ... i into `out`, whose last two slots keep the padding.
    @inline(__always)
    private func left(_ values: UnsafePointer<UInt64>, at i: Int, into out: UnsafeMutablePointer<UInt64>) -> UnsafePointer<UInt64> {
        for k in 0...2 { out[k] = values[i - 2 + k] }
        return UnsafePointer(out)
    }
}

extension FeatureTemplates {
    /// `pos` at position `i`, read through `causal`'s view when given.
    @inline(__always)
    static func pos(_ t: UnsafePointer<TokenInfo>, _ tags: UnsafePointer<UInt64>, _ i: Int, causal: CausalWindow?,
                    _ out: UnsafeMutablePointer<UInt64>) -> Int {
        guard let causal else { return pos(t, tags, i, out) }
        let view = causal.view(t, tags: tags, at: i)
        return pos(view.tokens, view.tags, CausalWindow.center, out)
    }
}
