import Foundation
import LimeText
import Testing
@testable import LimeTraining

@Suite struct ArithmeticProbeTests {
    @Test func oracleGuideIsTheAnswersTags() throws {
        let annotator = try TestData.makeAnnotator()
        let guide = try ArithmeticProbe.oracleGuide(.init(prompt: "37 + 45 =", answer: "82"), annotator: annotator)
        #expect(guide.count == 1 && guide[0].hasPrefix("CD/NUM/"), "\(guide)")
        // One TAG/UPOS/NER word: a guide for models with any metadata kinds.
        let resolved = try Guide.parse(guide: guide).resolve([.tag, .pos, .ner])
        #expect(resolved.count == 1 && resolved[0][0] == TagSets.tag.lookup("CD") && resolved[0][1] == TagSets.pos.lookup("NUM"))
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
        #expect(result.metadata == "oracle" && result.outcomes == [false])
        // The predicted probe needs a head, which this run lacks.
        #expect(throws: TrainerError.self) {
            _ = try ArithmeticProbe.run(generator: generator, annotator: try TestData.makeAnnotator(), problems: problems, source: .predicted)
        }
    }

    @Test func predictedProbeLetsTheHeadChooseAndRecordsOutcomes() throws {
        let generator = try Generator(run: MetadataHeadRunTests.run, annotator: try TestData.makeAnnotator())
        let problems = [ArithmeticProbe.Problem(prompt: "Praise", answer: "definitely-not-generated"),
                        ArithmeticProbe.Problem(prompt: "In the beginning", answer: "x")]
        let result = try ArithmeticProbe.run(generator: generator, annotator: try TestData.makeAnnotator(), problems: problems, source: .predicted)
        #expect(result.problems == 2 && result.outcomes.count == 2 && result.correct == result.outcomes.filter { $0 }.count)
        #expect(result.metadata == "predicted" && !result.oracleMetadata)
    }
}
