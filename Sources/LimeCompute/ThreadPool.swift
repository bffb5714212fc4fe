import Foundation

/// A persistent pool of worker threads that runs indexed tasks; the calling thread takes part.
///
/// Threads claim tasks in order from a shared counter, so a thread that the OS deschedules
/// does not hold up the others. Tasks must write disjoint outputs and use per-thread scratch
/// only through their `thread` argument; results then do not depend on which thread ran
/// which task. `run(tasks:job:)` allocates nothing.
public final class ThreadPool: @unchecked Sendable {
    /// Number of threads taking part in `run`, including the caller.
    public let threadCount: Int
    private let shared: PoolState

    /// Starts `threads - 1` workers (at least one thread in total).
    public init(threads: Int) {
        threadCount = max(1, threads)
        shared = PoolState(threadCount: threadCount)
        for t in 1..<threadCount {
            let state = shared
            let worker = Thread { state.workerLoop(t) }
            worker.stackSize = 1 << 20
            worker.start()
        }
    }

    deinit { shared.stop() }

    /// Tasks run so far by each thread (index 0 is the caller): shows whether workers take part.
    public var tasksPerThread: [Int] { (0..<threadCount).map { shared.tasksRun[$0 * 8] } }

    /// The machine's active processor count.
    public static var machineThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Runs `job.run(task:thread:)` for every task in `0..<tasks` and returns when all
    /// finished. The job stays on the caller's stack: nothing is allocated.
    @inline(__always)
    public func run<J: ParallelJob>(tasks: Int, job: J) {
        if threadCount == 1 || tasks <= 1 {
            for i in 0..<tasks { job.run(task: i, thread: 0) }
            return
        }
        withUnsafePointer(to: job) { pointer in
            shared.run(tasks: tasks, context: UnsafeRawPointer(pointer)) { raw, task, thread in
                raw!.assumingMemoryBound(to: J.self).pointee.run(task: task, thread: thread)
            }
        }
    }

    /// Closure form of `run(tasks:job:)` for code off the hot path (its closure context is
    /// heap-allocated per call).
    public func run(tasks: Int, _ body: (_ task: Int, _ thread: Int) -> Void) {
        if threadCount == 1 || tasks <= 1 {
            for i in 0..<tasks { body(i, 0) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            shared.run(tasks: tasks, context: nil) { _, task, thread in escapable(task, thread) }
        }
    }

    /// Runs `job` over `0..<count` in fixed chunks of `chunk` (independent of the thread count).
    @inline(__always)
    public func forEachChunk<J: ChunkJob>(_ count: Int, chunk: Int, _ job: J) {
        run(tasks: (count + chunk - 1) / chunk, job: Chunked(job: job, count: count, size: chunk))
    }
}

/// Work split into indexed tasks for `ThreadPool.run(tasks:job:)`.
public protocol ParallelJob {
    func run(task: Int, thread: Int)
}

/// Work over a range of rows, run in fixed-size chunks by `ThreadPool.forEachChunk`.
public protocol ChunkJob {
    func run(_ range: Range<Int>, chunk: Int, thread: Int)
}

struct Chunked<J: ChunkJob>: ParallelJob {
    let job: J
    let count: Int
    let size: Int
    @inline(__always)
    func run(task: Int, thread: Int) {
        job.run(task * size..<min(count, (task + 1) * size), chunk: task, thread: thread)
    }
}

/// State shared between a pool and its workers (workers keep it alive past the pool).
private final class PoolState: @unchecked Sendable {
    let threadCount: Int
    let condition = NSCondition()
    var generation = 0
    var pending = 0
    var taskCount = 0
    var nextTask = 0
    let claimLock = NSLock()
    var context: UnsafeRawPointer?
    var invoke: ((UnsafeRawPointer?, Int, Int) -> Void)?
    var stopping = false

    /// Per-thread task counters, 64 bytes apart so threads do not share a cache line.
    let tasksRun: UnsafeMutablePointer<Int>

    init(threadCount: Int) {
        self.threadCount = threadCount
        tasksRun = .allocate(capacity: threadCount * 8)
        tasksRun.initialize(repeating: 0, count: threadCount * 8)
    }

    // Runs once the pool and every worker (each holds the state until its loop ends) let go.
    deinit { tasksRun.deallocate() }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func run(tasks: Int, context: UnsafeRawPointer?, _ body: @escaping (UnsafeRawPointer?, Int, Int) -> Void) {
        condition.lock()
        self.context = context
        invoke = body
        taskCount = tasks
        nextTask = 0
        pending = threadCount - 1
        generation &+= 1
        condition.broadcast()
        condition.unlock()
        drain(context, body, thread: 0)
        condition.lock()
        while pending > 0 { condition.wait() }
        invoke = nil
        self.context = nil
        condition.unlock()
    }

    func workerLoop(_ thread: Int) {
        var seen = 0
        while true {
            condition.lock()
            while generation == seen && !stopping { condition.wait() }
            if stopping {
                condition.unlock()
                return
            }
            seen = generation
            condition.unlock()
            runShare(thread: thread)
            condition.lock()
            pending -= 1
            if pending == 0 { condition.broadcast() }
            condition.unlock()
        }
    }

    @inline(never)
    private func runShare(thread: Int) {
        condition.lock()
        let body = invoke!, context = self.context
        condition.unlock()
        drain(context, body, thread: thread)
    }

    /// Claims and runs tasks until none are left.
    @inline(__always)
    private func drain(_ context: UnsafeRawPointer?, _ body: (UnsafeRawPointer?, Int, Int) -> Void, thread: Int) {
        while true {
            claimLock.lock()
            let task = nextTask
            nextTask += 1
            claimLock.unlock()
            if task >= taskCount { return }
            tasksRun[thread * 8] += 1
            body(context, task, thread)
        }
    }
}
