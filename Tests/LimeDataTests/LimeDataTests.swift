import Testing
@testable import LimeData
@Suite struct PlaceholderDataTests { @Test func moduleLoads() { #expect(String(describing: LimeData.self) == "LimeData") } }
