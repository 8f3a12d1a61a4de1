import CofferStorage
import CofferTestSupport
import Foundation
import Synchronization
import Testing

/// The HA lock every `Storage` backend must provide (DESIGN.md §5).
@Suite struct StorageLockTests {
    @Test(arguments: Backend.allCases)
    func freeLockIsTakenAndShowsItsHolderValueAndExpiry(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            #expect(try storage.lockHolder("core/lock") == nil)
            let before = Int64(Date().timeIntervalSince1970 * 1000)

            #expect(
                try storage.acquireLock("core/lock", holder: "node-a", value: bytes("addr-a"), ttlMilliseconds: 60_000))

            let holder = try #require(try storage.lockHolder("core/lock"))
            #expect(holder.holder == "node-a")
            #expect(holder.value == bytes("addr-a"))
            // The backend's clock (the server's, for PostgreSQL) runs on this host: allow a little skew.
            #expect(holder.expiresAtMilliseconds >= before + 59_000)
            #expect(holder.expiresAtMilliseconds <= before + 61_000 + 60_000)
        }
    }

    @Test(arguments: Backend.allCases)
    func secondHolderIsRefusedWhileTheLeaseIsLive(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            #expect(try storage.acquireLock("core/lock", holder: "node-a", value: [1], ttlMilliseconds: 60_000))

            #expect(try !storage.acquireLock("core/lock", holder: "node-b", value: [2], ttlMilliseconds: 60_000))
            #expect(try storage.lockHolder("core/lock")?.holder == "node-a")
            #expect(try storage.lockHolder("core/lock")?.value == [1])
            #expect(try storage.acquireLock("other/lock", holder: "node-b", value: [2], ttlMilliseconds: 60_000))
        }
    }

    @Test(arguments: Backend.allCases)
    func holderAcquiringAgainRenewsAndReplacesTheValue(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            #expect(try storage.acquireLock("core/lock", holder: "node-a", value: [1], ttlMilliseconds: 10_000))
            let first = try #require(try storage.lockHolder("core/lock"))

            #expect(try storage.acquireLock("core/lock", holder: "node-a", value: [9], ttlMilliseconds: 60_000))

            let second = try #require(try storage.lockHolder("core/lock"))
            #expect(second.value == [9])
            #expect(second.expiresAtMilliseconds >= first.expiresAtMilliseconds + 49_000)
        }
    }

    @Test(arguments: Backend.allCases)
    func renewExtendsTheLeaseOnlyForItsHolder(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            #expect(try storage.acquireLock("core/lock", holder: "node-a", value: [1], ttlMilliseconds: 10_000))
            let first = try #require(try storage.lockHolder("core/lock"))

            #expect(try storage.renewLock("core/lock", holder: "node-a", ttlMilliseconds: 60_000))
            #expect(try !storage.renewLock("core/lock", holder: "node-b", ttlMilliseconds: 60_000))
            #expect(try !storage.renewLock("never/taken", holder: "node-a", ttlMilliseconds: 60_000))

            let renewed = try #require(try storage.lockHolder("core/lock"))
            #expect(renewed.holder == "node-a")
            #expect(renewed.value == [1])
            #expect(renewed.expiresAtMilliseconds >= first.expiresAtMilliseconds + 49_000)
            #expect(try storage.lockHolder("never/taken") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func expiredLeaseLetsAnotherHolderTakeTheLock(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            #expect(try storage.acquireLock("core/lock", holder: "node-a", value: [1], ttlMilliseconds: 200))

            #expect(try eventually { try storage.lockHolder("core/lock") == nil })
            #expect(try storage.acquireLock("core/lock", holder: "node-b", value: [2], ttlMilliseconds: 60_000))

            #expect(try !storage.renewLock("core/lock", holder: "node-a", ttlMilliseconds: 60_000))
            #expect(try storage.lockHolder("core/lock")?.holder == "node-b")
            #expect(try storage.lockHolder("core/lock")?.value == [2])
        }
    }

    @Test(arguments: Backend.allCases)
    func releaseFreesTheLockOnlyForItsHolder(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            #expect(try storage.acquireLock("core/lock", holder: "node-a", value: [1], ttlMilliseconds: 60_000))

            try storage.releaseLock("core/lock", holder: "node-b")
            #expect(try storage.lockHolder("core/lock")?.holder == "node-a")

            try storage.releaseLock("core/lock", holder: "node-a")
            #expect(try storage.lockHolder("core/lock") == nil)
            #expect(try !storage.renewLock("core/lock", holder: "node-a", ttlMilliseconds: 60_000))
            #expect(try storage.acquireLock("core/lock", holder: "node-b", value: [2], ttlMilliseconds: 60_000))
            try storage.releaseLock("never/taken", holder: "node-a")
        }
    }

    @Test(arguments: Backend.allCases)
    func locksAreNeitherEntriesNorSeenByTheCommitHook(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let hook = RecordingHook()
            storage.setCommitHook(hook)

            #expect(try storage.acquireLock("core/lock", holder: "node-a", value: [1], ttlMilliseconds: 60_000))
            #expect(try storage.renewLock("core/lock", holder: "node-a", ttlMilliseconds: 60_000))
            try storage.releaseLock("core/lock", holder: "node-a")
            #expect(try storage.acquireLock("core/lock", holder: "node-a", value: [1], ttlMilliseconds: 60_000))

            #expect(hook.events.isEmpty)
            #expect(try storage.keys(prefix: "") == [])
            #expect(try storage.list(prefix: "") == [])
            #expect(try storage.get("core/lock") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func manyThreadsRacingForAFreeLockLeaveExactlyOneWinner(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let winners = Atomic<Int>(0)
            let failures = Atomic<Int>(0)

            runOnThreads(6) { thread in
                do {
                    if try storage.acquireLock("race", holder: "node-\(thread)", value: [], ttlMilliseconds: 60_000) {
                        winners.add(1, ordering: .relaxed)
                    }
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }

            #expect(failures.load(ordering: .relaxed) == 0)
            #expect(winners.load(ordering: .relaxed) == 1)
            #expect(try storage.lockHolder("race") != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func emptyNamesAndNonPositiveTTLsAreRejected(backend: Backend) throws {
        try backend.withStorage { (storage) throws in
            let calls: [(any Storage) throws -> Void] = [
                { _ = try $0.acquireLock("", holder: "node-a", value: [], ttlMilliseconds: 1_000) },
                { _ = try $0.acquireLock("lock", holder: "", value: [], ttlMilliseconds: 1_000) },
                { _ = try $0.acquireLock("lock", holder: "node-a", value: [], ttlMilliseconds: 0) },
                { _ = try $0.renewLock("lock", holder: "node-a", ttlMilliseconds: -5) },
                { try $0.releaseLock("lock", holder: "") },
            ]
            for call in calls {
                let error = #expect(throws: StorageError.self) { try call(storage) }
                #expect(error?.code == .invalidArgument)
            }
            #expect(try storage.lockHolder("lock") == nil)
        }
    }
}
