import Foundation
import Testing
@testable import LimeTraining

@Suite struct ArithmeticProbeTests {
    @Test func oracleGuideIsTheAnswersTags() throws {
        let annotator = try TestData.makeAnnotator()
        let guide = try ArithmeticProbe.oracleGuide(.init(prompt: "37 + 45 =", answer: "82"), annotator: annotator)
        #expect(guide == ["CD/NUM/B-CARDINAL"])
    }

    @Test func probeRunsOnAModelOfEveryMetadataKind() throws {
        // The oracle guide carries tag, UPOS and entity, so a tag+pos+ner model gets them all.
        let run = TestData.trainedSmallModel("lime-arith-kinds", steps: 2,
                                             variant: try VariantSpec(variant: .lime, metadata: [.tag, .pos, .ner]))
        let generator = try Generator(run: run, annotator: try TestData.makeAnnotator())
        let problems = [ArithmeticProbe.Problem(prompt: "1 + 2 =", answer: "3")]
        let result = try ArithmeticProbe.run(generator: generator, annotator: try TestData.makeAnnotator(), problems: problems)
        #expect(result.problems == 1 && result.oracleMetadata)
    }

    @Test func problemsFileErrorsNameTheLine() throws {
        let directory = TestData.temporaryDirectory("lime-arith")
        let path = directory + "/problems.jsonl"
        FileManager.default.createFile(atPath: path, contents: Data("{\"prompt\": \"1 + 2 =\", \"answer\": \"3\"}\n{\"prompt\": 5}\n".utf8))
        #expect {
            _ = try ArithmeticProbe.load(path)
        } throws: { error in
            "\(error)".contains("problems.jsonl:2:")
        }
    }

    @Test func probeCountsExactAnswers() throws {
        let generator = try Generator(run: GenerationTests.run, annotator: try TestData.makeAnnotator())
        let problems = [ArithmeticProbe.Problem(prompt: "Praise Yahweh", answer: "definitely-not-generated")]
        let result = try ArithmeticProbe.run(generator: generator, annotator: try TestData.makeAnnotator(), problems: problems)
        #expect(result.problems == 1 && result.correct == 0 && result.accuracy == 0)
        #expect(result.oracleMetadata, "a lime+1 run gets the oracle tags")
    }
}
