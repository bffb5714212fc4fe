import Foundation
import Yams

/// A mixture of pipeline output directories (`lime train --data mix.yaml`; schema:
/// `Schemas/mixture.schema.json`):
///
/// ```yaml
/// sources:
///   - data: ../web        # a pipeline output directory, relative to this file
///     weight: 3           # relative share of windows
///   - data: ../books
///     weight: 1
/// ```
///
/// Every source gives either a `weight` (all sources), or an absolute amount per mixture
/// cycle: `tokens` (a budget of predicted tokens, `tokens / context_length` windows) or
/// `epochs` (passes over the source's training windows; fractions allowed, so 2 upsamples
/// and 0.5 subsamples). The two absolute kinds may be mixed.
public struct MixtureFile: Equatable, Sendable {
    public struct Source: Equatable, Sendable {
        /// The directory as written and resolved against the file's directory.
        public var data: String
        public var path: String
        public var weight: Double?
        public var tokens: Int?
        public var epochs: Double?
    }

    public let path: String
    public let sources: [Source]

    /// Whether `--data` names a mixture file rather than a directory.
    public static func isMixture(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
    }

    public init(path: String) throws {
        self.path = path
        func fail(_ reason: String) -> TrainerError { TrainerError(path: path, reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read mixture file") }
        let node: Any?
        do { node = try Yams.load(yaml: String(decoding: data, as: UTF8.self)) } catch { throw fail("invalid YAML: \(error)") }
        guard let top = node as? [String: Any] else { throw fail("expected a mapping with 'sources'") }
        if let extra = top.keys.first(where: { $0 != "sources" }) { throw fail("unknown key '\(extra)' (expected 'sources')") }
        guard let list = top["sources"] as? [Any], !list.isEmpty else { throw fail("'sources' must be a non-empty list") }
        let base = (path as NSString).deletingLastPathComponent
        var sources: [Source] = []
        for (i, item) in list.enumerated() {
            let at = "source \(i + 1)"
            guard let map = item as? [String: Any] else { throw fail("\(at): expected a mapping with 'data'") }
            if let extra = map.keys.sorted().first(where: { !["data", "weight", "tokens", "epochs"].contains($0) }) {
                throw fail("\(at): unknown key '\(extra)' (data, weight, tokens, epochs)")
            }
            guard let dir = map["data"] as? String, !dir.isEmpty else { throw fail("\(at): 'data' must name a pipeline output directory") }
            func number(_ key: String) throws -> Double? {
                guard let value = map[key] else { return nil }
                let d: Double
                if let v = value as? Int { d = Double(v) } else if let v = value as? Double { d = v } else {
                    throw fail("\(at): '\(key)' must be a number")
                }
                guard d > 0, d.isFinite else { throw fail("\(at): '\(key)' must be positive") }
                return d
            }
            let weight = try number("weight"), tokens = try number("tokens"), epochs = try number("epochs")
            let given = [weight, tokens, epochs].compactMap { $0 }.count
            guard given == 1 else { throw fail("\(at): give exactly one of weight, tokens or epochs") }
            if let tokens, tokens != tokens.rounded() { throw fail("\(at): 'tokens' must be a whole number") }
            let resolved = dir.hasPrefix("/") ? dir : (base as NSString).appendingPathComponent(dir)
            sources.append(Source(data: dir, path: URL(fileURLWithPath: resolved).standardizedFileURL.path,
                                  weight: weight, tokens: tokens.map { Int($0) }, epochs: epochs))
        }
        let weighted = sources.filter { $0.weight != nil }.count
        guard weighted == 0 || weighted == sources.count else {
            throw fail("mix 'weight' with 'tokens'/'epochs' is ambiguous: give weights for all sources or amounts for all")
        }
        self.sources = sources
    }

    /// Integer schedule weights: weights scaled to millionths, or windows per cycle
    /// (`windowsPerEpoch(s)` is asked only for sources given in `epochs`); reduced by their gcd.
    public func scheduleWeights(length: Int, windowsPerEpoch: (Int) throws -> Int) throws -> [Int64] {
        var values: [Int64] = []
        for (i, s) in sources.enumerated() {
            let value: Int64
            if let weight = s.weight {
                value = Int64((weight * 1_000_000).rounded())
            } else if let tokens = s.tokens {
                value = Int64(tokens / length)
            } else {
                value = Int64((s.epochs! * Double(try windowsPerEpoch(i))).rounded())
            }
            guard value > 0 else {
                throw TrainerError(path: path, "source \(i + 1) (\(s.data)) amounts to no window of \(length) tokens")
            }
            values.append(value)
        }
        return WeightedSchedule.reduced(values)
    }
}
