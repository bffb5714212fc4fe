import Foundation
import Testing

/// Options with a fixed set of values are parsed by ArgumentParser: a bad value is refused
/// before any work, naming the option and what it accepts.
@Suite struct ArgumentTests {
    @Test func badModeAndPartitionAreRefusedByName() throws {
        let output = TestSupport.temporaryDirectory("lime-args") + "/out"
        let input = TestSupport.fixture("real-text.jsonl")
        let mode = try TestSupport.run([TestSupport.limeBinary, "run", "--input", input, "--output", output, "--mode", "words"])
        #expect(mode.status != 0)
        #expect(mode.stderr.contains("'words' is invalid for '--mode <mode>'") && mode.stderr.contains("'lime' and 'whole-text'"))
        for bad in ["5/2", "3/3", "1", "a/b"] {
            let partition = try TestSupport.run([TestSupport.limeBinary, "run", "--input", input, "--output", output, "--partition", bad])
            #expect(partition.status != 0)
            #expect(partition.stderr.contains("'\(bad)' is invalid for '--partition <partition>'"), "\(partition.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: output), "nothing is written for a refused command")
    }
}
