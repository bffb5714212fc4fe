import Foundation

/// A persistent pool of worker threads that runs indexed tasks; the calling thread takes part.
///
/// Task `i` always runs on thread `i % threadCount` (the caller is thread 0), so work that
/// writes disjoint outputs per task is deterministic. `run` allocates nothing.
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

    /// The machine's active processor count.
    public static var machineThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Runs `body(task, thread)` for every task in `0..<tasks` and returns when all finished.
    public func run(tasks: Int, _ body: (_ task: Int, _ thread: Int) -> Void) {
        if threadCount == 1 || tasks <= 1 {
            for i in 0..<tasks { body(i, 0) }
            return
        }
        withoutActuallyEscaping(body) { shared.run(tasks: tasks, $0) }
    }
}

/// State shared between a pool and its workers (workers keep it alive past the pool).
private final class PoolState: @unchecked Sendable {
    let threadCount: Int
    let condition = NSCondition()
    var generation = 0
    var pending = 0
    var taskCount = 0
    var job: ((Int, Int) -> Void)?
    var stopping = false

    init(threadCount: Int) { self.threadCount = threadCount }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func run(tasks: Int, _ body: @escaping (Int, Int) -> Void) {
        condition.lock()
        job = body
        taskCount = tasks
        pending = threadCount - 1
        generation &+= 1
        condition.broadcast()
        condition.unlock()
        var i = 0
        while i < tasks {
            body(i, 0)
            i += threadCount
        }
        condition.lock()
        while pending > 0 { condition.wait() }
        job = nil
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
            let count = taskCount
            condition.unlock()
            runShare(thread: thread, count: count)
            condition.lock()
            pending -= 1
            if pending == 0 { condition.broadcast() }
            condition.unlock()
        }
    }

    @inline(never)
    private func runShare(thread: Int, count: Int) {
        condition.lock()
        let body = job!
        condition.unlock()
        var i = thread
        while i < count {
            body(i, thread)
            i += threadCount
        }
    }
}
