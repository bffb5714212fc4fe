import Foundation
import LimeCompute
import Testing
@testable import LimeTransformer

@Suite struct ThreadPoolTests {
    /// Records which thread ran each task; tasks sleep so every worker has time to join.
    struct Record: ParallelJob {
        let threads: UnsafeMutablePointer<Int>
        func run(task: Int, thread: Int) {
            usleep(2000)
            threads[task] = thread
        }
    }

    @Test func everyTaskRunsOnceAndWorkersTakePart() {
        let pool = ThreadPool(threads: 3)
        let tasks = 40
        let seen = UnsafeMutablePointer<Int>.allocate(capacity: tasks)
        defer { seen.deallocate() }
        seen.initialize(repeating: -1, count: tasks)
        pool.run(tasks: tasks, job: Record(threads: seen))
        let threads = (0..<tasks).map { seen[$0] }
        #expect(threads.allSatisfy { (0..<3).contains($0) })
        #expect(Set(threads).count >= 2, "only threads \(Set(threads)) ran tasks")
    }
}
