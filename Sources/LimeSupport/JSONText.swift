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
