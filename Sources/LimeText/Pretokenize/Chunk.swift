/// A whitespace-delimited chunk of text as Unicode scalars with their class bits.
///
/// Ranges `lo..<hi` index scalars; look-behind and look-ahead never leave the range,
/// as spaCy's regexes run on the sliced string.
struct Chunk {
    let scalars: UnsafeMutablePointer<UInt32>
    let classes: UnsafeMutablePointer<UInt16>

    @inline(__always) func has(_ i: Int, _ flag: CharClass) -> Bool {
        classes[i] & flag.rawValue != 0
    }

    @inline(__always) func isASCIIDigit(_ i: Int) -> Bool {
        scalars[i] &- 0x30 < 10
    }

    @inline(__always) func `is`(_ i: Int, _ scalar: Unicode.Scalar) -> Bool {
        scalars[i] == scalar.value
    }

    /// Whether `scalars[lo..<hi]` equals `text`.
    @inline(__always) func equals(_ lo: Int, _ hi: Int, _ text: [UInt32]) -> Bool {
        if hi - lo != text.count { return false }
        var i = 0
        while i < text.count {
            if scalars[lo + i] != text[i] { return false }
            i += 1
        }
        return true
    }
}
