import Foundation
import Synchronization
import Testing

@testable import CofferStorage

/// The leader/follower merging of concurrent commits, driven step by step.
@Suite struct GroupCommitQueueTests {
    @Test func batchesQueuedDuringAGroupRunTogetherAsTheNextGroupAndShareItsFailure() throws {
        let queue = GroupCommitQueue()
        let groups = Mutex<[[[StorageOperation]]]>([])
        let results = Mutex<[String: StorageError?]>([:])
        let leaderRunning = DispatchSemaphore(value: 0)
        let releaseLeader = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()

        func start(_ key: String, runGroup: @escaping @Sendable ([[StorageOperation]]) -> Result<Void, StorageError>) {
            finished.enter()
            Thread {
                let result: StorageError?
                do throws(StorageError) {
                    try queue.commit([.put(key: key, value: [])], runGroup: runGroup)
                    result = nil
                } catch {
                    result = error
                }
                results.withLock { $0[key] = result }
                finished.leave()
            }.start()
        }

        start("first") { batches in
            groups.withLock { $0.append(batches) }
            leaderRunning.signal()
            releaseLeader.wait()
            return .success(())
        }
        leaderRunning.wait()
        for key in ["b", "c", "d"] {
            start(key) { batches in
                groups.withLock { $0.append(batches) }
                return .failure(StorageError(.io, "disk gone"))
            }
        }
        // Waits for a state change of the queue, not for time: the three followers must be queued.
        while queue.waitingBatchCount < 3 {
            sched_yield()
        }
        releaseLeader.signal()
        finished.wait()

        let recorded = groups.withLock { $0 }
        #expect(recorded.count == 2)
        #expect(recorded.first == [[.put(key: "first", value: [])]])
        #expect(Set(recorded.last?.flatMap { $0.map(\.key) } ?? []) == ["b", "c", "d"])
        let outcome = results.withLock { $0 }
        #expect(outcome["first"] == .some(nil))
        for key in ["b", "c", "d"] {
            #expect(outcome[key] == .some(StorageError(.io, "disk gone")))
        }
        #expect(queue.waitingBatchCount == 0)
    }

    @Test func exclusiveWorkWaitingDuringAGroupRunsBeforeTheBatchesQueuedBehindIt() throws {
        let queue = GroupCommitQueue()
        let order = Mutex<[String]>([])
        let leaderRunning = DispatchSemaphore(value: 0)
        let releaseLeader = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()

        func run(_ body: @escaping @Sendable () -> Void) {
            finished.enter()
            Thread {
                body()
                finished.leave()
            }.start()
        }

        run {
            try? queue.commit([.delete(key: "first")]) { _ in
                order.withLock { $0.append("first") }
                leaderRunning.signal()
                releaseLeader.wait()
                return .success(())
            }
        }
        leaderRunning.wait()
        run {
            try? queue.commit([.delete(key: "queued")]) { _ in
                order.withLock { $0.append("queued") }
                return .success(())
            }
        }
        while queue.waitingBatchCount < 1 {
            sched_yield()
        }
        run {
            try? queue.exclusively { () throws(StorageError) in order.withLock { $0.append("exclusive") } }
        }
        // Waits for a state change of the queue, not for time: the exclusive caller must be waiting.
        while queue.waitingExclusiveCount < 1 {
            sched_yield()
        }
        releaseLeader.signal()
        finished.wait()

        #expect(order.withLock { $0 } == ["first", "exclusive", "queued"])
    }

    @Test func loneCommitRunsAsAGroupOfOne() throws {
        let queue = GroupCommitQueue()
        let groups = Mutex<[[[StorageOperation]]]>([])

        try queue.commit([.delete(key: "k")]) { batches in
            groups.withLock { $0.append(batches) }
            return .success(())
        }

        #expect(groups.withLock { $0 } == [[[.delete(key: "k")]]])
    }

    @Test func exclusiveWorkRunsAndReturnsItsValue() throws {
        let queue = GroupCommitQueue()
        let value = try queue.exclusively { () throws(StorageError) -> Int in 42 }
        #expect(value == 42)

        try queue.commit([.delete(key: "k")]) { _ in .success(()) }
    }
}
