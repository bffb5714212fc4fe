import Foundation
import LimeCompute

/// Measures training throughput (forward + backward + clipping + AdamW) on random tokens
/// (and random head targets when the config has a metadata head).
public enum TrainBenchmark {
    public struct Result: Sendable {
        public let parameters: Int
        public let threads: Int
        public let tokensPerStep: Int
        /// Mean seconds per timed step.
        public let stepSeconds: Double
        public var tokensPerSecond: Double { Double(tokensPerStep) / stepSeconds }
        /// Process CPU seconds (user + system) per timed step, all threads together.
        public let cpuSecondsPerStep: Double
        /// Tokens per CPU-second: with one thread, the throughput an uncontended core would see.
        public var tokensPerCPUSecond: Double { Double(tokensPerStep) / cpuSecondsPerStep }
        public let finalLoss: Float
        /// Tasks run by each pool thread during the timed steps.
        public let tasksPerThread: [Int]
        /// Share of step time per kernel family, largest first (empty unless profiled).
        public let profile: [(String, Double)]
        /// Heap allocations per timed step, when an allocation counter is preloaded.
        public let allocationsPerStep: Double?
    }

    /// Runs `warmup` untimed steps then `steps` timed ones.
    public static func run(config: ModelConfig, batch: Int, threads: Int, steps: Int, warmup: Int = 1, profile: Bool, seed: UInt64 = 1) throws -> Result {
        let model = try Transformer(config: config, maxBatch: batch, threads: threads, seed: seed)
        let trainer = Trainer(model: model, schedule: LearningRateSchedule(peak: 1e-3, warmupSteps: 10, totalSteps: 1000))
        var rng = Xoshiro256(seed: seed)
        let n = batch * config.contextLength
        let stream = (0...n).map { _ in Int32(rng.nextInt(config.vocabSize)) }
        let input = Transformer.Batch(
            batch: batch, length: config.contextLength, tokens: Array(stream[0..<n]),
            metadata: config.metadataVocabSizes.map { size in (0..<n).map { _ in Int32(rng.nextInt(size)) } },
            targets: Array(stream[1...n]),
            metadataTargets: config.metadataHead ? config.metadataVocabSizes.map { size in (0..<n).map { _ in Int32(rng.nextInt(size)) } } : [])
        for _ in 0..<warmup { _ = try trainer.step(input) }
        model.profiler.enabled = profile
        model.profiler.reset()
        let tasksBefore = model.matmul.pool.tasksPerThread
        let counter = AllocationCounter.find()
        let allocsBefore = counter?() ?? 0
        let start = Timing.now(), cpuStart = Timing.processCPU()
        var loss: Float = 0
        for _ in 0..<steps { loss = try trainer.step(input).loss }
        let elapsed = Timing.now() - start, cpu = Timing.processCPU() - cpuStart
        let allocs = counter.map { Double($0() - allocsBefore) / Double(steps) }
        return Result(
            parameters: model.parameters.parameterCount, threads: model.matmul.pool.threadCount, tokensPerStep: n,
            stepSeconds: elapsed / Double(steps), cpuSecondsPerStep: cpu / Double(steps), finalLoss: loss,
            tasksPerThread: zip(model.matmul.pool.tasksPerThread, tasksBefore).map { $0 - $1 },
            profile: profile ? model.profiler.shares().map { ($0.0.name, $0.1) } : [],
            allocationsPerStep: allocs)
    }
}

/// Reads the malloc counter exported by `Pipelines/bench/alloc_counter.c` when it is
/// preloaded (`LD_PRELOAD=.../liballoc_counter.so`); `nil` otherwise.
public enum AllocationCounter {
    public typealias Count = @convention(c) () -> UInt64

    public static func find() -> Count? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "lime_alloc_count") else { return nil }
        return unsafeBitCast(symbol, to: Count.self)
    }
}
