import Testing
@testable import LimeTrainer
@Suite struct LimeTrainerModuleTests { @Test func moduleLoads() { #expect(String(describing: LimeTrainer.self) == "LimeTrainer") } }
