/// The feature templates of the four greedy taggers. Each writes the keys of the
/// features of position `i` into `out` and returns how many it wrote (at most
/// `maxFeatures`). `tokens` is padded: index 0 and 1 are `TokenInfo.before`, the
/// sentence's tokens start at index 2, and two `TokenInfo.after` follow them.
/// Changing a template changes the model: bump `TaggerModel.featureVersion`.
enum FeatureTemplates {
    static let maxFeatures = 96

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
    /// `head`, `length`: the token's capitalized run (`TokenInfo.capitalizedRuns`);
    /// `entityStart`, `entityLength`: the current entity's first word (lower case) and
    /// its length so far, 0 outside an entity (`EntityState` supplies them).
    @inline(__always)
    static func ner(_ t: UnsafePointer<TokenInfo>, _ tags: UnsafePointer<UInt64>, _ i: Int,
                    _ e1: UInt64, _ e2: UInt64, _ head: UInt64, _ length: UInt64,
                    entityStart: UInt64, entityLength: UInt64, preview p: UnsafePointer<UInt64>,
                    _ out: UnsafeMutablePointer<UInt64>) -> Int {
        let w = t[i], m1 = t[i - 1], m2 = t[i - 2], n1 = t[i + 1], n2 = t[i + 2]
        typealias H = FeatureHashing
        entityWindow(t, tags, i, 201, out)
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
        out[47] = H.key(248, e1, entityStart)
        out[48] = H.key(249, entityStart, w.lower)
        out[49] = H.key(250, e1, entityLength)
        out[50] = H.key(251, n1.lower, n2.lower)
        out[51] = H.key(252, m2.lower, m1.lower)
        out[52] = H.key(253, e1, n1.lower)
        out[53] = H.key(254, n1.word)
        out[54] = H.key(255, p[i])
        out[55] = H.key(256, p[i + 1])
        out[56] = H.key(257, e1, p[i + 1])
        out[57] = H.key(258, p[i], p[i + 1])
        out[58] = H.key(259, p[i + 1], p[i + 2])
        out[59] = H.key(260, e1, p[i], p[i + 1])
        out[60] = H.key(261, p[i + 2])
        out[61] = H.key(262, p[i + 1], n1.lower)
        out[62] = H.key(263, p[i], w.lower)
        out[63] = H.key(264, p[i - 1], p[i])
        return 64 + spacyRows(t, i, 270, out + 64)
    }

    /// Features of the entity preview: a first pass over the whole document without label
    /// history, whose labels give the left-to-right entity pass a view of the right context
    /// (`p` in `ner`). It runs on every token, so it is kept lean: spaCy's embedding rows
    /// here cost a quarter of the throughput for 0.1 point of entity F1.
    @inline(__always)
    static func preview(_ t: UnsafePointer<TokenInfo>, _ tags: UnsafePointer<UInt64>, _ i: Int,
                        _ head: UInt64, _ length: UInt64, _ out: UnsafeMutablePointer<UInt64>) -> Int {
        let w = t[i], m1 = t[i - 1], m2 = t[i - 2], n1 = t[i + 1], n2 = t[i + 2]
        typealias H = FeatureHashing
        entityWindow(t, tags, i, 301, out)
        out[15] = H.key(316, tags[i], w.shape)
        out[16] = H.key(317, m1.lower, w.lower)
        out[17] = H.key(318, w.lower, n1.lower)
        out[18] = H.key(319, tags[i - 1], tags[i], tags[i + 1])
        out[19] = H.key(320, head)
        out[20] = H.key(321, length)
        out[21] = H.key(322, head, w.lower)
        out[22] = H.key(323, length, w.shape)
        out[23] = H.key(324, w.flags, w.shape)
        out[24] = H.key(325, m1.word, w.word)
        out[25] = H.key(326, w.word, n1.word)
        out[26] = H.key(327, w.suffix4)
        out[27] = H.key(328, n1.suffix3)
        out[28] = H.key(329, m1.suffix3)
        out[29] = H.key(330, m2.shape, m1.shape)
        out[30] = H.key(331, n1.shape, n2.shape)
        return 31
    }

    /// The first 15 features of both entity templates (ids `base ..< base + 15`): bias, the
    /// token's form, affixes and shape, the tags around it, the words two either side.
    @inline(__always)
    static func entityWindow(_ t: UnsafePointer<TokenInfo>, _ tags: UnsafePointer<UInt64>, _ i: Int,
                             _ base: UInt64, _ out: UnsafeMutablePointer<UInt64>) {
        let w = t[i], m1 = t[i - 1], m2 = t[i - 2], n1 = t[i + 1], n2 = t[i + 2]
        typealias H = FeatureHashing
        out[0] = H.key(base, 0)
        out[1] = H.key(base + 1, w.word)
        out[2] = H.key(base + 2, w.lower)
        out[3] = H.key(base + 3, w.shape)
        out[4] = H.key(base + 4, w.suffix3)
        out[5] = H.key(base + 5, w.prefix3)
        out[6] = H.key(base + 6, tags[i])
        out[7] = H.key(base + 7, tags[i - 1])
        out[8] = H.key(base + 8, tags[i + 1])
        out[9] = H.key(base + 9, m1.lower)
        out[10] = H.key(base + 10, n1.lower)
        out[11] = H.key(base + 11, m2.lower)
        out[12] = H.key(base + 12, n2.lower)
        out[13] = H.key(base + 13, m1.shape)
        out[14] = H.key(base + 14, n1.shape)
    }

    /// spaCy's embedding rows (`SpacyBuckets`) as features: the NORM rows of the token and
    /// its neighbours, the token's SUFFIX and SHAPE rows. Template ids `base ..< base + 20`.
    @inline(__always)
    static func spacyRows(_ t: UnsafePointer<TokenInfo>, _ i: Int, _ base: UInt64,
                          _ out: UnsafeMutablePointer<UInt64>) -> Int {
        let w = t[i].spacy, m1 = t[i - 1].spacy, n1 = t[i + 1].spacy
        typealias H = FeatureHashing
        for k in 0..<4 {
            out[k] = H.key(base + UInt64(k), UInt64(w[k]))
            out[4 + k] = H.key(base + 4 + UInt64(k), UInt64(m1[k]))
            out[8 + k] = H.key(base + 8 + UInt64(k), UInt64(n1[k]))
            out[12 + k] = H.key(base + 12 + UInt64(k), UInt64(w[8 + k]))
            out[16 + k] = H.key(base + 16 + UInt64(k), UInt64(w[12 + k]))
        }
        return 20
    }
}
