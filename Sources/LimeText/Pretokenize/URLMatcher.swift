/// spaCy's `URL_MATCH` (`spacy/lang/tokenizer_exceptions.py`): whether a whole string is a
/// URL, host name, IP address or e-mail address. Decides membership in the regex's language
/// directly, which the anchors `^...$` make unambiguous.
enum URLMatcher {
    /// Whether `scalars[lo..<hi]` matches the URL pattern.
    static func matches(_ c: Chunk, _ lo: Int, _ hi: Int) -> Bool {
        // Every alternative needs a dot (host name or dotted IP address).
        var hasDot = false
        for i in lo..<hi where c.is(i, ".") { hasDot = true; break }
        if !hasDot { return false }
        // (?:[\w\+\-\.]{2,}://)? : the scheme can only end at the first colon.
        if let end = schemeEnd(c, lo, hi), authorityAndRest(c, end, hi) { return true }
        return authorityAndRest(c, lo, hi)
    }

    private static func schemeEnd(_ c: Chunk, _ lo: Int, _ hi: Int) -> Int? {
        var i = lo
        while i < hi && (c.has(i, .word) || c.is(i, "+") || c.is(i, "-") || c.is(i, ".")) { i += 1 }
        guard i - lo >= 2, i + 2 < hi, c.is(i, ":"), c.is(i + 1, "/"), c.is(i + 2, "/") else { return nil }
        return i + 3
    }

    /// (?:\S+(?::\S*)?@)? followed by the host part: any `@` with something before it.
    private static func authorityAndRest(_ c: Chunk, _ lo: Int, _ hi: Int) -> Bool {
        if hostAndRest(c, lo, hi) { return true }
        var i = lo + 1
        while i < hi {
            if c.is(i, "@") && hostAndRest(c, i + 1, hi) { return true }
            i += 1
        }
        return false
    }

    /// An IP address or host name at `h`, then the optional port and path.
    private static func hostAndRest(_ c: Chunk, _ h: Int, _ hi: Int) -> Bool {
        if h >= hi { return false }
        if ipAddressAndRest(c, h, hi) { return true }
        var end = h
        while end < hi && (c.has(end, [.urlHost, .lower]) || c.is(end, "_") || c.is(end, "-") || c.is(end, ".")) {
            end += 1
        }
        guard restMatches(c, end, hi) else { return false }
        var dot = end - 1
        while dot > h && !c.is(dot, ".") { dot -= 1 }
        guard dot > h else { return false }
        // TLD: [{ALPHA_LOWER}]{2,63}
        let tldCount = end - dot - 1
        guard tldCount >= 2 && tldCount <= 63 else { return false }
        for i in (dot + 1)..<end where !c.has(i, .lower) { return false }
        // Labels: (?:[X][X_-]{0,62})?[X] each followed by a dot.
        var labelStart = h
        for i in h...dot where c.is(i, ".") {
            let count = i - labelStart
            guard count >= 1 && count <= 64, c.has(labelStart, .urlHost), c.has(i - 1, .urlHost) else { return false }
            labelStart = i + 1
        }
        return true
    }

    /// (?::\d{2,5})?(?:[/?#]\S*)?$ at `e`.
    private static func restMatches(_ c: Chunk, _ e: Int, _ hi: Int) -> Bool {
        if e == hi || c.is(e, "/") || c.is(e, "?") || c.is(e, "#") { return true }
        guard c.is(e, ":") else { return false }
        var end = e + 1
        while end < hi && c.has(end, .digit) { end += 1 }
        let digits = end - e - 1
        return digits >= 2 && digits <= 5 && (end == hi || c.is(end, "/") || c.is(end, "?") || c.is(end, "#"))
    }

    /// The dotted-quad alternative with its private-network exclusions.
    private static func ipAddressAndRest(_ c: Chunk, _ h: Int, _ hi: Int) -> Bool {
        var end = h
        while end < hi && (c.has(end, .digit) || c.is(end, ".")) { end += 1 }
        guard restMatches(c, end, hi) else { return false }
        var octets: [Range<Int>] = []
        var start = h
        for i in h...end where i == end || c.is(i, ".") {
            octets.append(start..<i)
            start = i + 1
        }
        guard octets.count == 4 else { return false }
        func text(_ r: Range<Int>) -> [UInt32] { (r.lowerBound..<r.upperBound).map { c.scalars[$0] } }
        let ascii = { (s: String) in s.unicodeScalars.map(\.value) }
        let first = text(octets[0]), second = text(octets[1])
        // (?!(?:10|127)(?:\.\d{1,3}){3}), (?!(?:169\.254|192\.168)(?:\.\d{1,3}){2}),
        // (?!172\.(?:1[6-9]|2\d|3[0-1])(?:\.\d{1,3}){2})
        if first == ascii("10") || first == ascii("127") { return false }
        if (first == ascii("169") && second == ascii("254")) || (first == ascii("192") && second == ascii("168")) { return false }
        if first == ascii("172") && second.count == 2 {
            let tens = second[0], unit = second[1]
            if tens == 0x31 && unit >= 0x36 && unit <= 0x39 { return false }
            if tens == 0x32 && c.has(octets[1].lowerBound + 1, .digit) { return false }
            if tens == 0x33 && (unit == 0x30 || unit == 0x31) { return false }
        }
        return octet(c, octets[0], kind: 0) && octet(c, octets[1], kind: 1)
            && octet(c, octets[2], kind: 1) && octet(c, octets[3], kind: 2)
    }

    /// kind 0: `[1-9]\d?|1\d\d|2[01]\d|22[0-3]`; 1: `1?\d{1,2}|2[0-4]\d|25[0-5]`;
    /// 2: `[1-9]\d?|1\d\d|2[0-4]\d|25[0-4]`.
    private static func octet(_ c: Chunk, _ r: Range<Int>, kind: Int) -> Bool {
        let n = r.count, p = r.lowerBound
        guard n >= 1 && n <= 3 else { return false }
        for i in r where !c.has(i, .digit) { return false }
        let d0 = c.scalars[p]
        let nonZeroASCII = d0 >= 0x31 && d0 <= 0x39
        if n == 1 { return kind == 1 || nonZeroASCII }
        if n == 2 { return kind == 1 || nonZeroASCII }
        let d1 = c.scalars[p + 1], d2 = c.scalars[p + 2]
        if d0 == 0x31 { return true }
        guard d0 == 0x32 else { return false }
        switch kind {
        case 0:
            if d1 == 0x30 || d1 == 0x31 { return true }
            return d1 == 0x32 && d2 >= 0x30 && d2 <= 0x33
        case 1:
            if d1 >= 0x30 && d1 <= 0x34 { return true }
            return d1 == 0x35 && d2 >= 0x30 && d2 <= 0x35
        default:
            if d1 >= 0x30 && d1 <= 0x34 { return true }
            return d1 == 0x35 && d2 >= 0x30 && d2 <= 0x34
        }
    }
}
