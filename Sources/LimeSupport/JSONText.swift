import Foundation

/// Writes JSON text by hand where key order matters (JSONL outputs keep the documented order).
public enum JSONText {
    /// `s` as a JSON string literal (quotes included).
    public static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Appends the UTF-8 text `bytes` as a JSON string literal (quotes included) to `out`:
    /// the bytes of `quote(String(decoding: bytes, as: UTF8.self))` for valid UTF-8, written
    /// without building a String (the annotation output's hot path).
    @inlinable
    public static func appendQuoted<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(0x22)
        for byte in bytes {
            switch byte {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0..<0x20:
                out.append(0x5C); out.append(0x75); out.append(0x30); out.append(0x30)  // \u00
                out.append(hexDigit(byte >> 4)); out.append(hexDigit(byte & 0xF))
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    @inlinable
    static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    /// Appends the decimal digits of `value`.
    @inlinable
    public static func appendInteger<T: BinaryInteger>(_ value: T, to out: inout [UInt8]) {
        if value < 10 && value >= 0 {
            out.append(0x30 + UInt8(value))
            return
        }
        guard let magnitude = UInt64(exactly: value.magnitude) else {
            out.append(contentsOf: String(value).utf8)  // wider than 64 bits
            return
        }
        if value < 0 { out.append(0x2D) }
        // Digits from the right into a fixed buffer (a UInt64 has at most 20), then copied.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var n = magnitude, i = 24
            repeat {
                i -= 1
                buffer[i] = 0x30 + UInt8(n % 10)
                n /= 10
            } while n > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[i..<24]))
        }
    }

    /// A JSON array of numbers.
    public static func array<S: Sequence>(_ values: S) -> String where S.Element: BinaryInteger {
        "[" + values.map { String($0) }.joined(separator: ",") + "]"
    }

    /// A JSON array of strings.
    public static func array(_ values: [String]) -> String {
        "[" + values.map(quote).joined(separator: ",") + "]"
    }
}

/// One JSON object on one line, encoded from an `Encodable` report (keys sorted, so the
/// line is the same for the same values; names come from the type's coding keys).
public enum JSONLine {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Reports hold plain numbers and strings: encoding cannot fail.
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }
}
