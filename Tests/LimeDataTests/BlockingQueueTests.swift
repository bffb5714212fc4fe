import Foundation
import Testing
@testable import LimeData

@Suite struct BlockingQueueTests {
    final class Payload {}

    @Test func poppedElementsAreReleasedAtOnce() {
        let queue = BlockingQueue<Payload>(capacity: 4)
        weak var first: Payload?
        do {
            let payload = Payload()
            first = payload
            queue.push(payload)
            queue.push(Payload())
        }
        #expect(first != nil, "held by the queue while queued")
        _ = queue.pop()
        #expect(first == nil, "a popped element must not be kept alive by the queue (bounded memory)")
    }

    @Test func orderCapacityAndClose() {
        let queue = BlockingQueue<Int>(capacity: 2)
        let producer = Thread {
            for i in 0..<2000 { queue.push(i) }
            queue.close()
        }
        producer.start()
        var seen: [Int] = []
        while let value = queue.pop() { seen.append(value) }
        #expect(seen == Array(0..<2000))
        #expect(!queue.push(1), "a closed queue refuses new elements")
    }
}
