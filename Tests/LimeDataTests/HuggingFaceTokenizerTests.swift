import Foundation
import LimeData
import XCTest

/// lime's native `tokenizer.json` BPE against Hugging Face `tokenizers` (Rust, via Python):
/// tokenizers trained on real text, ids compared for whole documents and single words.
final class HuggingFaceTokenizerTests: XCTestCase {
    /// Lines in many scripts and shapes, written for these tests.
    static let multilingual: [String] = [
        "Crème brûlée, façade, naïve coöperation — Ærøskøbing, Łódź, İstanbul, ǅemal.",
        "Ἐν ἀρχῇ ἦν ὁ λόγος, καὶ ὁ λόγος ἦν πρὸς τὸν θεόν. Σοφία ΣΟΦΊΑ.",
        "В начале было Слово, и Слово было у Бога. Съешь же ещё этих мягких французских булок!",
        "我们在北京大学学习中文。東京都は日本の首都です。한국어도 조금 합니다.",
        "في البدء كان الكلمة، والكلمة كان عند الله. ١٢٣٤٥ أرقام عربية",
        "हिन्दी भाषा देवनागरी लिपि में लिखी जाती है। संख्या ४२ है।",
        "Emoji: 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🇫🇷 and 😀😀😀!",
        "Numbers 1234567890123 and 3.14159, 1,000,000; phone +1-800-555-0199.",
        "Whitespace:   three,\ttab,\t\ttwo tabs,\nnewline\r\nCRLF\n\n\nthree newlines   \n  trailing   ",
        "Apostrophes: it's, don't, we're, I've, I'm, you'll, he'd, IT'S, DON'T, WE'RE, O'Neill's ''quoted''.",
        "Non-breaking\u{00A0}space, ideographic\u{3000}space, em\u{2003}space, and zero\u{200B}width.",
        "Special tokens inside text: first<|endoftext|>second <|endoftext|> third<|endoftext|><|endoftext|>.",
        "Code: for (int i = 0; i < n; ++i) { x[i] += y[i] * 2; } // done\n\treturn x;",
        "Mixed: abc123def, ΑΒΓ123, 東京123, ﬁ ligature, ½ ⅓ ², Ⅻ Roman, ９ fullwidth.",
        "Combining: e\u{0301} a\u{0308} o\u{0302}\u{0323} and precomposed é ä ộ.",
    ]

    static let edgeCases: [String] = [
        "", " ", "  ", "\n", "\t \n ", "a", " a", "'s", "''", "'", "x'", "<|endoftext|>",
        " <|endoftext|> ", "a<|endoftext|>b", String(repeating: "9", count: 40),
        String(repeating: "ab", count: 300), String(repeating: " ", count: 17) + "end",
    ]

    /// The training corpus: the real-text fixture plus the lines above, repeated a little.
    static let corpusPath: String = {
        let directory = TestSupport.temporaryDirectory("lime-hftok")
        let path = (directory as NSString).appendingPathComponent("corpus.txt")
        let lines = TestSupport.documents.map(\.text) + Array(repeating: multilingual, count: 3).flatMap { $0 }
        TestSupport.write(lines.joined(separator: "\n"), to: path)
        return path
    }()

    static func python(_ arguments: [String]) throws {
        let result = try TestSupport.run(["/usr/bin/env", "python3", TestSupport.fixture("hf_tokenizers_reference.py")] + arguments)
        guard result.status == 0 else {
            throw HFTokenizerError(path: arguments.joined(separator: " "), "reference failed: \(result.stderr)")
        }
    }

    private static var trainedPaths: [String: String] = [:]
    private static let trainedLock = NSLock()

    /// A tokenizer trained by `tokenizers` in `style` (once per test run and style).
    static func trained(_ style: String, vocab: Int = 1500) throws -> String {
        trainedLock.lock()
        defer { trainedLock.unlock() }
        if let path = trainedPaths["\(style)-\(vocab)"] { return path }
        let path = (TestSupport.temporaryDirectory("lime-hftok") as NSString).appendingPathComponent("\(style).json")
        try python(["train", corpusPath, path, style, String(vocab)])
        trainedPaths["\(style)-\(vocab)"] = path
        return path
    }

    /// `tokenizers`' ids for each text.
    static func reference(_ tokenizer: String, _ texts: [String]) throws -> [[Int32]] {
        let directory = TestSupport.temporaryDirectory("lime-hftok")
        let input = (directory as NSString).appendingPathComponent("texts.json")
        let output = (directory as NSString).appendingPathComponent("ids.json")
        try JSONSerialization.data(withJSONObject: texts).write(to: URL(fileURLWithPath: input))
        try python(["encode", tokenizer, input, output])
        let ids = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as! [[NSNumber]]
        return ids.map { $0.map(\.int32Value) }
    }

    /// Words with their leading whitespace, from every test text.
    static var words: [String] {
        let texts = TestSupport.documents.map(\.text) + multilingual
        let regex = try! NSRegularExpression(pattern: #"\s*\S+"#)
        var seen = Set<String>(), words: [String] = []
        for text in texts {
            let ns = text as NSString
            for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                let word = ns.substring(with: match.range)
                if seen.insert(word).inserted { words.append(word) }
            }
        }
        return words
    }

    static var allTexts: [String] { TestSupport.documents.map(\.text) + multilingual + edgeCases }

    /// Asserts identical ids for every text and a byte-exact round trip when `roundTrip`.
    func assertMatchesReference(_ path: String, _ texts: [String], roundTrip: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws {
        let tokenizer = try HFTokenizer(path: path)
        let expected = try Self.reference(path, texts)
        XCTAssertEqual(expected.count, texts.count, file: file, line: line)
        var mismatches = 0
        for (text, reference) in zip(texts, expected) {
            let ids = try tokenizer.encode(text)
            if ids != reference {
                mismatches += 1
                if mismatches <= 5 {
                    XCTFail("\(text.debugDescription): lime \(ids.map { tokenizer.pieces[Int($0)] }) vs tokenizers \(reference.map { tokenizer.pieces[Int($0)] })", file: file, line: line)
                }
            }
            if roundTrip {
                XCTAssertEqual(tokenizer.decodeBytes(ids), Array(text.utf8), "round trip of \(text.debugDescription)", file: file, line: line)
            }
        }
        XCTAssertEqual(mismatches, 0, "texts whose ids differ from tokenizers", file: file, line: line)
    }

    func testGPT2StyleMatchesTokenizersOnDocumentsAndEdgeCases() throws {
        let path = try Self.trained("gpt2")
        let tokenizer = try HFTokenizer(path: path)
        XCTAssertEqual(tokenizer.vocabSize, 1500)
        XCTAssertEqual(tokenizer.endOfTextID, 0)
        XCTAssertEqual(tokenizer.pieces[0], "<|endoftext|>")
        // Real merges happened: documents need far fewer tokens than bytes.
        let document = TestSupport.documents[0].text
        XCTAssertLessThan(try tokenizer.encode(document).count * 2, document.utf8.count)
        try assertMatchesReference(path, Self.allTexts)
    }

    func testGPT2StyleMatchesTokenizersWordByWord() throws {
        try assertMatchesReference(try Self.trained("gpt2"), Self.words)
    }

    func testPrefixSpaceMatchesTokenizers() throws {
        let path = try Self.trained("gpt2-prefix")
        try assertMatchesReference(path, Self.allTexts + Self.words, roundTrip: false)
        let tokenizer = try HFTokenizer(path: path)
        // The inserted space decodes as a space and covers no input byte.
        let text = "word"
        XCTAssertEqual(tokenizer.decodeBytes(try tokenizer.encode(text)), Array(" word".utf8))
        let spans = try Array(text.utf8).withUnsafeBytes { try tokenizer.encodeWithSpans($0) }
        XCTAssertEqual(spans.first?.begin, 0)
        XCTAssertEqual(spans.last?.end, 4)
    }

    func testLlama3SplitPreTokenizerMatchesTokenizers() throws {
        let path = try Self.trained("llama3")
        let json = String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self)
        XCTAssertTrue(json.contains("\"Split\""), "the file has a Split pre-tokenizer")
        XCTAssertTrue(json.contains("\"ignore_merges\": true") || json.contains("\"ignore_merges\":true"))
        let tokenizer = try HFTokenizer(path: path)
        XCTAssertEqual(tokenizer.endOfTextID, 1)
        let texts = Self.allTexts.map { $0.replacingOccurrences(of: "<|endoftext|>", with: "<|end_of_text|>") }
        try assertMatchesReference(path, texts + Self.words)
        // Digits go in groups of at most three.
        let ids = try tokenizer.encode("1234567")
        XCTAssertEqual(ids.map { tokenizer.pieces[Int($0)] }.joined(), "1234567")
        XCTAssertGreaterThanOrEqual(ids.count, 3)
    }

    /// Seeded random strings over the characters the patterns treat differently.
    static let randomTexts: [String] = {
        let atoms = ["a", "Z", "é", "ſ", "S", "s", "t", "'", "'s", "'T", "'re", "'LL", "'ve", "'M", "'d", " ", "  ", "\t",
                     "\n", "\r\n", "\r", "\u{00A0}", "\u{3000}", "\u{2028}", "\u{0085}", "\u{000B}", "\u{000C}",
                     "1", "23", "4567", "٣", "४", "½", "Ⅻ", ".", ",", "!", "—", "“", "中", "日本", "ά", "Ж", "ب", "ि",
                     "्", "क", "\u{0301}", "👍", "🏽", "\u{200D}", "👩", "\u{FE0F}", "_", "-", "$", "x", "the", " the",
                     "<|endoftext|>", "<|end_of_text|>", "<mask>", "[R]", "word", "New York"]
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        return (0..<1500).map { _ in (0..<(1 + next(30))).map { _ in atoms[next(atoms.count)] }.joined() }
    }()

    func testRandomTextsMatchTokenizersForAllPatterns() throws {
        for style in ["gpt2", "llama3", "qwen2"] {
            try assertMatchesReference(try Self.trained(style), Self.randomTexts, roundTrip: style != "qwen2")
        }
    }

    func testAddedTokensWithStripAndSingleWordMatchTokenizers() throws {
        let base = try Self.trained("gpt2")
        let path = (TestSupport.temporaryDirectory("lime-hftok") as NSString).appendingPathComponent("added.json")
        try Self.python(["addtokens", base, path])
        let texts = ["fill  <mask> in", "a [R]   b", "a word here", "swordfish words word", "New York, New Yorker",
                     "<mask><mask>  [R][R] ", "\t<mask>\n", "word"] + Self.randomTexts
        try assertMatchesReference(path, texts, roundTrip: false)
        let tokenizer = try HFTokenizer(path: path)
        // lstrip: the token absorbs the spaces before it, and its span says so.
        let spans = try Array("fill  <mask> in".utf8).withUnsafeBytes { try tokenizer.encodeWithSpans($0) }
        let mask = try XCTUnwrap(spans.first { tokenizer.pieces[Int($0.id)] == "<mask>" })
        XCTAssertEqual(mask.begin, 4)
        XCTAssertEqual(mask.end, 12)
    }

    func testNFCNormalizerMatchesTokenizers() throws {
        let base = try Self.trained("gpt2")
        let path = (TestSupport.temporaryDirectory("lime-hftok") as NSString).appendingPathComponent("nfc.json")
        try Self.python(["nfc", base, path])
        try assertMatchesReference(path, Self.allTexts, roundTrip: false)
        let tokenizer = try HFTokenizer(path: path)
        let decomposed = "Cafe\u{0301} au lait"
        XCTAssertEqual(tokenizer.decodeBytes(try tokenizer.encode(decomposed)), Array("Caf\u{00E9} au lait".utf8))
        // Spans still tile the original input.
        let spans = try Array(decomposed.utf8).withUnsafeBytes { try tokenizer.encodeWithSpans($0) }
        XCTAssertEqual(spans.last?.end, decomposed.utf8.count)
    }

    func testVocabularyOver65536AndStringMerges() throws {
        let base = try Self.trained("gpt2")
        let path = (TestSupport.temporaryDirectory("lime-hftok") as NSString).appendingPathComponent("big.json")
        try Self.python(["bigvocab", base, path, "70000"])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        XCTAssertTrue(((json["model"] as! [String: Any])["merges"] as! [Any]).first is String, "merges in the \"a b\" form")
        let trained = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base))) as! [String: Any]
        XCTAssertTrue(((trained["model"] as! [String: Any])["merges"] as! [Any]).first is [Any], "the trained file has [a, b] merges")
        let tokenizer = try HFTokenizer(path: path)
        XCTAssertEqual(tokenizer.vocabSize, 71500)
        XCTAssertEqual(tokenizer.endOfTextID, 70000)
        let ids = try tokenizer.encode(Self.multilingual[0])
        XCTAssertTrue(ids.allSatisfy { $0 >= 70000 }, "every id is above 65,535")
        try assertMatchesReference(path, Self.allTexts)
    }

    func testBytesMissingFromTheVocabularyAreDroppedLikeTokenizers() throws {
        let path = try Self.trained("gpt2-seen")
        let tokenizer = try HFTokenizer(path: path)
        // Control characters U+0001 and U+007F never occur in the training text.
        XCTAssertFalse(tokenizer.pieceBytes.contains([0x01]) || tokenizer.pieceBytes.contains([0x7F]))
        let texts = ["unseen \u{01}\u{7F} bytes", "\u{01}", "\u{01}x", "x\u{7F}", "a \u{01}\u{01} b"] + Self.allTexts
        try assertMatchesReference(path, texts, roundTrip: false)
        XCTAssertEqual(tokenizer.decodeBytes(try tokenizer.encode("a \u{01}\u{7F} b")), Array("a  b".utf8))
        let spans = try Array("\u{01}\u{01}!".utf8).withUnsafeBytes { try tokenizer.encodeWithSpans($0) }
        XCTAssertEqual(spans.map(\.begin), [0], "the dropped bytes' span joins the next token")
        XCTAssertEqual(spans.map(\.end), [3])
    }

    func testConcurrentEncodingGivesTheSameIds() throws {
        let tokenizer = try HFTokenizer(path: try Self.trained("llama3"))
        let texts = Self.allTexts + Self.randomTexts
        let serial = try texts.map { try tokenizer.encode($0) }
        let results = UnsafeMutableBufferPointer<[Int32]>.allocate(capacity: texts.count)
        defer { results.deallocate() }
        results.initialize(repeating: [])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for index in stride(from: worker, to: texts.count, by: 4) { results[index] = (try? tokenizer.encode(texts[index])) ?? [-1] }
        }
        XCTAssertEqual(Array(results), serial)
    }

    func testSpansCoverTheInputAndMatchPieces() throws {
        let tokenizer = try HFTokenizer(path: try Self.trained("gpt2"))
        for text in Self.allTexts {
            let bytes = Array(text.utf8)
            let spans = try bytes.withUnsafeBytes { try tokenizer.encodeWithSpans($0) }
            XCTAssertEqual(spans.map(\.id), try tokenizer.encode(text))
            var position = 0
            for span in spans {
                XCTAssertEqual(span.begin, position, "spans are contiguous in \(text.debugDescription)")
                XCTAssertEqual(Array(bytes[span.begin..<span.end]), tokenizer.pieceBytes[Int(span.id)])
                position = span.end
            }
            XCTAssertEqual(position, bytes.count)
        }
    }

    func testContentDetection() throws {
        XCTAssertTrue(HFTokenizer.isTokenizerJSON(path: try Self.trained("gpt2")))
        XCTAssertFalse(HFTokenizer.isTokenizerJSON(path: TestSupport.fixture("real-text.jsonl")))
        XCTAssertFalse(HFTokenizer.isTokenizerJSON(path: TestSupport.tokenizerPath))
        let other = (TestSupport.temporaryDirectory("lime-hftok") as NSString).appendingPathComponent("tokenizer.json")
        TestSupport.write(#"{"vocab": {}}"#, to: other)
        XCTAssertFalse(HFTokenizer.isTokenizerJSON(path: other), "a JSON object without \"model\"")
    }

    private func refusal(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let path = (TestSupport.temporaryDirectory("lime-hftok") as NSString).appendingPathComponent("tokenizer.json")
        TestSupport.write(json, to: path)
        do {
            _ = try HFTokenizer(path: path)
            XCTFail("\(json) was accepted", file: file, line: line)
            return ""
        } catch let error as HFTokenizerError {
            XCTAssertEqual(error.path, path, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(path), file: file, line: line)
            return error.reason
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return ""
        }
    }

    func testUnsupportedModelsAndSettingsAreRefusedByName() {
        let unigram = refusal(#"{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}"#)
        XCTAssertTrue(unigram.contains("model type Unigram is not supported"), unigram)
        let wordPiece = refusal(#"{"model": {"type": "WordPiece", "vocab": {"a": 0}}}"#)
        XCTAssertTrue(wordPiece.contains("model type WordPiece is not supported"), wordPiece)
        let bpe = #""model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}"#
        let lowercase = refusal(#"{"normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "ByteLevel"}, "#  + bpe + "}")
        XCTAssertTrue(lowercase.contains("normalizer Lowercase is not supported"), lowercase)
        let metaspace = refusal(#"{"pre_tokenizer": {"type": "Metaspace"}, "# + bpe + "}")
        XCTAssertTrue(metaspace.contains("pre_tokenizer Metaspace is not supported"), metaspace)
        let pattern = refusal(#"{"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "\\w+"}, "behavior": "Isolated", "invert": false}, {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]}, "# + bpe + "}")
        XCTAssertTrue(pattern.contains("Split pattern \"\\\\w+\" is not supported"), pattern)
        let badMerge = refusal(#"{"pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}"#)
        XCTAssertTrue(badMerge.contains("missing from the vocabulary"), badMerge)
    }

    func testMalformedJSONNamesTheFile() {
        let reason = refusal(#"{"model": {"type": "BPE", "vocab": {"#)
        XCTAssertTrue(reason.contains("not valid JSON"), reason)
        let notObject = refusal("[1, 2, 3]")
        XCTAssertTrue(notObject.contains("not a tokenizer.json"), notObject)
        XCTAssertThrowsError(try HFTokenizer(path: "/nonexistent/tokenizer.json")) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/tokenizer.json"))
        }
    }

    func testInvalidUTF8IsAnError() throws {
        let tokenizer = try HFTokenizer(path: try Self.trained("gpt2"))
        var ids: [Int32] = []
        XCTAssertThrowsError(try [0x61, 0xFF, 0x62].withUnsafeBytes { try tokenizer.encode($0, into: &ids) })
        XCTAssertThrowsError(try [0xE6, 0x97].withUnsafeBytes { try tokenizer.encode($0, into: &ids) })
    }
}
