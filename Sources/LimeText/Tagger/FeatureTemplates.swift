/// The feature templates of the three greedy taggers. Each writes the keys of the
/// features of position `i` into `out` and returns how many it wrote (at most
/// `maxFeatures`). `tokens` is padded: index 0 and 1 are `TokenInfo.before`, the
/// sentence's tokens start at index 2, and two `TokenInfo.after` follow them.
/// Changing a template changes the model: bump `TaggerModel.featureVersion`.
enum FeatureTemplates {
    static let maxFeatures = 48

    /// Fine-grained tag features; `p1`, `p2` are the previous two predicted tags.
    @inline(__always)
    /// `d`: each padded position's tag-dictionary class (a lookahead for the right context).
    static func tag(_ t: UnsafePointer<TokenInfo>, _ d: UnsafePointer<UInt64>, _ i: Int, _ p1: UInt64, _ p2: UInt64,
                    _ out: UnsafeMutablePointer<UInt64>) -> Int {
        let w = t[i], m1 = t[i - 1], m2 = t[i - 2], n1 = t[i + 1], n2 = t[i + 2]
        typealias H = FeatureHashing
        out[0] = H.key(1, 0)
        out[1] = H.key(2, w.word)
        out[2] = H.key(3, w.lower)
        out[3] = H.key(4, w.shape)
        out[4] = H.key(5, w.suffix1)
        out[5] = H.key(6, w.suffix2)
        out[6] = H.key(7, w.suffix3)
        out[7] = H.key(8, w.suffix4)
        out[8] = H.key(9, w.prefix1)
        out[9] = H.key(10, w.prefix2)
        out[10] = H.key(11, w.prefix3)
        out[11] = H.key(12, p1)
        out[12] = H.key(13, p2)
        out[13] = H.key(14, p1, p2)
        out[14] = H.key(15, p1, w.lower)
        out[15] = H.key(16, m1.lower)
        out[16] = H.key(17, m1.suffix3)
        out[17] = H.key(18, m2.lower)
        out[18] = H.key(19, n1.lower)
        out[19] = H.key(20, n1.suffix3)
        out[20] = H.key(21, n2.lower)
        out[21] = H.key(22, m1.shape)
        out[22] = H.key(23, n1.shape)
        out[23] = H.key(24, m1.lower, w.lower)
        out[24] = H.key(25, w.lower, n1.lower)
        out[25] = H.key(26, p1, w.suffix3)
        out[26] = H.key(27, w.shape, w.flags &+ (m1.flags << 1))
        out[27] = H.key(28, n1.suffix1)
        out[28] = H.key(29, p1, n1.lower)
        out[29] = H.key(30, w.suffix2, n1.suffix2)
        out[30] = H.key(31, n2.suffix3)
        out[31] = H.key(32, m1.word)
        out[32] = H.key(33, w.shape, n1.shape)
        out[33] = H.key(34, m1.suffix2)
        out[34] = H.key(35, p1, w.shape)
        out[35] = H.key(36, n1.prefix1, n1.suffix2)
        out[36] = H.key(37, d[i + 1])
        out[37] = H.key(38, d[i + 1], d[i + 2])
        out[38] = H.key(39, p1, d[i + 1])
        out[39] = H.key(40, w.lower, d[i + 1])
        out[40] = H.key(41, w.word, w.flags & 13)
        out[41] = H.key(42, w.shape, w.flags & 13, p1)
        return 42
    }

    /// Coarse UPOS features given the predicted fine tags `tags` (padded like `t`).
    @inline(__always)
    static func pos(_ t: UnsafePointer<TokenInfo>, _ tags: UnsafePointer<UInt64>, _ i: Int,
                    _ out: UnsafeMutablePointer<UInt64>) -> Int {
        let w = t[i]
        typealias H = FeatureHashing
        out[0] = H.key(101, 0)
        out[1] = H.key(102, tags[i])
        out[2] = H.key(103, w.lower)
        out[3] = H.key(104, tags[i], w.lower)
        out[4] = H.key(105, tags[i], w.suffix3)
        out[5] = H.key(106, tags[i], tags[i - 1])
        out[6] = H.key(107, tags[i], tags[i + 1])
        out[7] = H.key(108, tags[i], t[i + 1].lower)
        out[8] = H.key(109, tags[i], t[i - 1].lower)
        out[9] = H.key(110, tags[i], w.shape)
        out[10] = H.key(111, tags[i], tags[i + 2])
        return 11
    }

    /// Entity (IOB2) features given predicted tags and the previous two entity labels.
    /// `head`, `length`: the token's capitalized run (`TokenInfo.capitalizedRuns`).
    @inline(__always)
    static func ner(_ t: UnsafePointer<TokenInfo>, _ tags: UnsafePointer<UInt64>, _ i: Int,
                    _ e1: UInt64, _ e2: UInt64, _ head: UInt64, _ length: UInt64,
                    _ out: UnsafeMutablePointer<UInt64>) -> Int {
        let w = t[i], m1 = t[i - 1], m2 = t[i - 2], n1 = t[i + 1], n2 = t[i + 2]
        typealias H = FeatureHashing
        out[0] = H.key(201, 0)
        out[1] = H.key(202, w.word)
        out[2] = H.key(203, w.lower)
        out[3] = H.key(204, w.shape)
        out[4] = H.key(205, w.suffix3)
        out[5] = H.key(206, w.prefix3)
        out[6] = H.key(207, tags[i])
        out[7] = H.key(208, tags[i - 1])
        out[8] = H.key(209, tags[i + 1])
        out[9] = H.key(210, m1.lower)
        out[10] = H.key(211, n1.lower)
        out[11] = H.key(212, m2.lower)
        out[12] = H.key(213, n2.lower)
        out[13] = H.key(214, m1.shape)
        out[14] = H.key(215, n1.shape)
        out[15] = H.key(216, e1)
        out[16] = H.key(217, e1, e2)
        out[17] = H.key(218, e1, w.lower)
        out[18] = H.key(219, e1, w.shape)
        out[19] = H.key(220, e1, tags[i])
        out[20] = H.key(221, tags[i], w.shape)
        out[21] = H.key(222, m1.lower, w.lower)
        out[22] = H.key(223, w.lower, n1.lower)
        out[23] = H.key(224, tags[i], tags[i + 1])
        out[24] = H.key(225, tags[i - 1], tags[i])
        out[25] = H.key(226, w.suffix4)
        out[26] = H.key(227, w.flags, w.shape)
        out[27] = H.key(228, e1, n1.shape)
        out[28] = H.key(229, m1.word, w.word)
        out[29] = H.key(230, w.word, n1.word)
        out[30] = H.key(231, tags[i + 2])
        out[31] = H.key(232, m2.shape, m1.shape)
        out[32] = H.key(233, n1.shape, n2.shape)
        out[33] = H.key(234, e1, m1.lower)
        out[34] = H.key(235, w.prefix2)
        out[35] = H.key(236, m1.lower, w.shape)
        out[36] = H.key(237, w.shape, n1.lower)
        out[37] = H.key(238, n1.suffix3)
        out[38] = H.key(239, m1.suffix3)
        out[39] = H.key(240, tags[i - 1], tags[i], tags[i + 1])
        out[40] = H.key(241, e1, m1.lower, w.lower)
        out[41] = H.key(242, w.lower, e1, n1.shape)
        out[42] = H.key(243, head)
        out[43] = H.key(244, length)
        out[44] = H.key(245, e1, head)
        out[45] = H.key(246, head, w.lower)
        out[46] = H.key(247, length, w.shape, e1)
        return 47
    }
}
