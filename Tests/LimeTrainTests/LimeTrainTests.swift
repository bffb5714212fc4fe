import Testing
@testable import LimeTrain
@Suite struct PlaceholderTrainTests { @Test func moduleLoads() { #expect(String(describing: LimeTrain.self) == "LimeTrain") } }
