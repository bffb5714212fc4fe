import Foundation
import LimeSupport
import Testing

/// The byte-level JSON writers of `lime annotate` against what Foundation and `String` write.
@Suite struct JSONTextTests {
    func integer<T: BinaryInteger>(_ value: T) -> String {
        var out: [UInt8] = []
        JSONText.appendInteger(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func integersAreTheirDecimalDigits() {
        let values: [Int] = [0, 7, 9, 10, 11, 99, 100, 12345, -1, -10, -987654321, Int.max, Int.min]
        for v in values { #expect(integer(v) == String(v)) }
        #expect(integer(Int32.max) == "2147483647" && integer(Int32.min) == "-2147483648")
        #expect(integer(UInt64.max) == "18446744073709551615")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let v = Int64.random(in: Int64.min...Int64.max, using: &rng)
            #expect(integer(v) == String(v))
        }
    }

    @Test func quotedBytesAreValidJSONStringsOfTheText() throws {
        let texts = ["plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u{0}\u{1}\u{1f} controls", "é ü 漢字 🎉"]
        for text in texts {
            var out: [UInt8] = []
            JSONText.appendQuoted(Array(text.utf8), to: &out)
            let decoded = try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
            #expect(decoded == text)
        }
        var control: [UInt8] = []
        JSONText.appendQuoted([0x1F, 0x0B], to: &control)
        #expect(String(decoding: control, as: UTF8.self) == #""\u001f\u000b""#)
    }
}
