extension Pretokenizer {
    /// Tokenizes one chunk (spaCy's `_tokenize`: `_split_affixes` then `_attach_tokens`).
    /// A chunk of ASCII letters only is a special case or one token.
    @inline(__always)
    func tokenizeChunk(_ workspace: PretokenizerWorkspace, _ n: Int, isSpace: Bool, lettersOnly: Bool, into tokens: inout [TokenSpan]) {
        let c = workspace.chunk
        let offsets = workspace.offsets
        @inline(__always) func emit(_ a: Int, _ b: Int) {
            tokens.append(TokenSpan(start: offsets[a], end: offsets[b], isSpace: isSpace))
        }
        // Special-case lookups repeat on the same range: remember the last one.
        var memoLo = -1, memoHi = -1, memoEntry: Int32 = -1
        @inline(__always) func special(_ lo: Int, _ hi: Int) -> Int32 {
            if lo != memoLo || hi != memoHi {
                memoLo = lo
                memoHi = hi
                memoEntry = specials.lookup(c.scalars + lo, hi - lo)
            }
            return memoEntry
        }
        func emitSpecial(_ entryIndex: Int32, at lo: Int) {
            let entry = specials.entries[Int(entryIndex)]
            var p = lo
            for piece in 0..<Int(entry.pieceCount) {
                let length = Int(specials.pieceScalars[Int(entry.pieceStart) + piece])
                emit(p, p + length)
                p += length
            }
        }

        let whole = special(0, n)
        if whole >= 0 {
            emitSpecial(whole, at: 0)
            return
        }
        if lettersOnly {
            emit(0, n)
            return
        }
        // _split_affixes: prefixes are emitted as found, suffixes kept for the end.
        workspace.suffixes.removeAll(keepingCapacity: true)
        var lo = 0, hi = n, lastSize = 0
        while lo < hi && hi - lo != lastSize {
            if special(lo, hi) >= 0 { break }
            lastSize = hi - lo
            let pre = affixes.prefixLength(c, lo, hi)
            if pre != 0 && lo + pre < hi && special(lo + pre, hi) >= 0 {
                emit(lo, lo + pre)
                lo += pre
                break
            }
            let suf = affixes.suffixLength(c, lo + pre, hi)
            if suf != 0 && hi - suf > lo && special(lo, hi - suf) >= 0 {
                workspace.suffixes.append((hi - suf)..<hi)
                hi -= suf
                break
            }
            if pre != 0 {
                emit(lo, lo + pre)
                lo += pre
            }
            if suf != 0 && (pre == 0 || suf <= hi - lo) {
                workspace.suffixes.append((hi - suf)..<hi)
                hi -= suf
            }
        }
        // _attach_tokens: special case, URL, or infix split of what is left.
        if lo < hi {
            let entry = special(lo, hi)
            if entry >= 0 {
                emitSpecial(entry, at: lo)
            } else if URLMatcher.matches(c, lo, hi) {
                emit(lo, hi)
            } else {
                var start = lo
                var from = lo
                while let infix = affixes.nextInfix(c, lo, hi, from: from) {
                    from = infix.upperBound
                    if infix.lowerBound == lo { continue }
                    if infix.lowerBound != start { emit(start, infix.lowerBound) }
                    emit(infix.lowerBound, infix.upperBound)
                    start = infix.upperBound
                }
                if start < hi { emit(start, hi) }
            }
        }
        for suffix in workspace.suffixes.reversed() { emit(suffix.lowerBound, suffix.upperBound) }
    }
}
