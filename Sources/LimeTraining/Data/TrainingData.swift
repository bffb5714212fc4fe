import Foundation
import LimeData

/// How training windows are ordered within a dataset.
public enum ShuffleMode: String, Codable, CaseIterable, Sendable {
    /// Shard order per epoch, documents and windows shuffled within a shard (`TrainingLoader`, the default).
    case shard
    /// One seeded permutation of all (shard, window) pairs per epoch (`GlobalShuffleLoader`).
    case global
}

/// What `lime train --data` names: a pipeline output directory, or a mixture file of
/// several (`MixtureFile`). All sources must share the tokenizer and tag sets.
public final class TrainingData {
    public let path: String
    public let datasets: [ShardDataset]
    public let mixture: MixtureFile?

    /// Opens `path`; `tokenizer` and `separator` as for `ShardDataset` (they apply to every source).
    public init(path: String, tokenizer: String? = nil, separator: Int32? = nil) throws {
        self.path = path
        guard MixtureFile.isMixture(path) else {
            mixture = nil
            datasets = [try ShardDataset(directory: path, tokenizer: tokenizer, separator: separator)]
            return
        }
        let file = try MixtureFile(path: path)
        mixture = file
        let first = try ShardDataset(directory: file.sources[0].path, tokenizer: tokenizer, separator: separator)
        var datasets = [first]
        for source in file.sources.dropFirst() {
            let dataset = try ShardDataset(directory: source.path, separator: first.separator)
            guard dataset.manifest.tokenizer.sha256 == first.manifest.tokenizer.sha256 else {
                throw TrainerError(path: path, "\(source.data) uses another tokenizer than \(file.sources[0].data)")
            }
            guard dataset.manifest.tagsetsSHA256 == first.manifest.tagsetsSHA256 else {
                throw TrainerError(path: path, "\(source.data) uses other tag sets than \(file.sources[0].data)")
            }
            guard dataset.manifest.annotationContext == first.manifest.annotationContext else {
                func name(_ m: Manifest) -> String { m.annotationContext?.rawValue ?? m.annotator["annotation_context"] ?? "?" }
                throw TrainerError(path: path, "\(source.data) was annotated in \(name(dataset.manifest)) context, \(file.sources[0].data) in \(name(first.manifest)): a model learns from one kind of tags")
            }
            datasets.append(dataset)
        }
        self.datasets = datasets
    }

    public var first: ShardDataset { datasets[0] }
    public var separator: Int32 { first.separator }
    public var vocabSize: Int { first.vocabSize }

    /// The directory of `path`, or of the first source of a mixture file.
    public static func firstDirectory(_ path: String) throws -> String {
        MixtureFile.isMixture(path) ? try MixtureFile(path: path).sources[0].path : path
    }

    /// The tokenizer model path of the data (of the first source for a mixture).
    public static func tokenizerPath(path: String, given: String?) throws -> String {
        let directory = try firstDirectory(path)
        return try ShardDataset.tokenizerPath(manifest: try Manifest.read(from: directory), directory: directory, given: given)
    }

    /// The training loader: one dataset's `TrainingLoader` (`shard`) or `GlobalShuffleLoader`
    /// (`global`), or a `MixtureLoader` over one such loader per source. With `indexDirectory`
    /// the global shuffle keeps its window index there (`window-index-K.json` per source).
    public func loader(length: Int, seed: UInt64, split: DocumentSplit, shuffle: ShuffleMode, threads: Int,
                       indexDirectory: String? = nil) throws -> any WindowLoader {
        func single(_ k: Int, _ seed: UInt64) throws -> any WindowLoader {
            switch shuffle {
            case .shard: return TrainingLoader(dataset: datasets[k], length: length, seed: seed, split: split)
            case .global:
                let file = indexDirectory.map { ($0 as NSString).appendingPathComponent("window-index-\(k).json") }
                return try GlobalShuffleLoader(dataset: datasets[k], length: length, seed: seed, split: split, threads: threads, indexFile: file)
            }
        }
        guard let mixture else { return try single(0, seed) }
        let sources = try datasets.indices.map { try single($0, MixtureLoader.seed(seed, source: $0)) }
        let weights = try mixture.scheduleWeights(length: length) { i in
            if let global = sources[i] as? GlobalShuffleLoader { return global.windowsPerEpoch }
            let file = indexDirectory.map { ($0 as NSString).appendingPathComponent("window-index-\(i).json") }
            return try WindowIndexFile.training(datasets[i], length: length, split: split, path: file).total
        }
        return try MixtureLoader(sources: sources, weights: weights)
    }

    /// Windows of the documents `include` accepts (`SequentialWindows`): up to `limit`,
    /// shared evenly among the sources.
    public func validation(length: Int, limit: Int, include: (AlignedDocument) -> Bool) throws -> [TrainingWindow] {
        let share = limit > 0 ? (limit + datasets.count - 1) / datasets.count : 0
        let windows = try datasets.flatMap { dataset in
            try SequentialWindows.make(dataset: dataset, length: length, limit: share, include: include)
        }
        return limit > 0 ? Array(windows.prefix(limit)) : windows
    }
}
