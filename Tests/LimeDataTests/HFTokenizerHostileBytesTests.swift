import Foundation
import Testing
@testable import LimeData

/// `tokenizer.json` files with impossible ids (found by reading the loader against the
/// fuzz target `fuzz-tokenizer`): refused with an error naming the file, never a trap on a
/// negative index or a table of billions of entries.
@Suite struct HFTokenizerHostileBytesTests {
    static func json(vocab: String, added: String = "[]") -> Data {
        Data(#"{"model": {"type": "BPE", "vocab": \#(vocab), "merges": []}, "pre_tokenizer": {"type": "ByteLevel"}, "added_tokens": \#(added)}"#.utf8)
    }

    func expectRefused(_ data: Data, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: HFTokenizerError.self, Comment(rawValue: what), sourceLocation: sourceLocation) {
            _ = try TokenizerLoader.load(data: data, path: "hostile/tokenizer.json")
        }
        #expect(error.map { "\($0)".contains("hostile/tokenizer.json") } == true, sourceLocation: sourceLocation)
    }

    @Test func aSmallFileLoads() throws {
        let tokenizer = try TokenizerLoader.load(data: Self.json(vocab: #"{"a": 0, "b": 1}"#, added: #"[{"id": 2, "content": "<|endoftext|>", "special": true}]"#),
                                                 path: "small/tokenizer.json")
        #expect(tokenizer.vocabSize == 3 && tokenizer.documentSeparatorID == 2)
        #expect(try tokenizer.encode("ab<|endoftext|>") == [0, 1, 2])
    }

    @Test func idsFarBeyondTheEntriesAreRefused() {
        expectRefused(Self.json(vocab: #"{"a": 0, "b": 2000000000}"#), "a vocab id of 2e9 (a 2-billion-entry table)")
        expectRefused(Self.json(vocab: #"{"a": 0}"#, added: #"[{"id": 2147483000, "content": "<x>"}]"#), "an added token id of 2^31")
    }

    @Test func addedTokenIdsOutsideInt32AreRefusedNotWrapped() {
        expectRefused(Self.json(vocab: #"{"a": 0}"#, added: #"[{"id": -5, "content": "<x>"}]"#), "a negative id")
        expectRefused(Self.json(vocab: #"{"a": 0}"#, added: #"[{"id": 4294967297, "content": "<x>"}]"#), "2^32+1, which wraps to 1")
    }
}
