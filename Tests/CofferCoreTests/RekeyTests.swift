import CofferBase
import CofferStorage
import Synchronization
import Testing

@testable import CofferCore

/// `sys/rekey/*`: a new unseal key from a threshold of the current shares, the data untouched.
struct RekeyTests {
    let storage = InMemoryStorage()
    let logs = MemoryLogSink()
    let core: Core
    let initial: Core.InitResult

    init() throws {
        let logger = Logger(label: "test", level: .trace, sink: logs)
        core = try Core(configuration: CoreConfiguration(storageType: "inmem"), storage: storage, logger: logger)
        initial = try core.initialize(SealConfiguration(secretShares: 3, secretThreshold: 2))
        for share in initial.shares.prefix(2) { _ = try core.unseal(share: Hex.encode(share), reset: false) }
    }

    @discardableResult
    private func send(_ method: String, _ path: String, _ body: JSON? = nil, token: String? = nil) -> VaultResponse {
        core.handle(VaultRequest(method: method, path: path, body: body, token: token ?? initial.rootToken))
    }

    private func start(_ body: JSON) throws -> String {
        let reply = send("PUT", "sys/rekey/init", body)
        try #require(reply.status == 200, "\(String(describing: reply.body))")
        return try #require(reply.body?["nonce"]?.stringValue)
    }

    private func update(_ share: [UInt8], nonce: String, path: String = "sys/rekey/update") -> VaultResponse {
        send("PUT", path, ["key": .string(Hex.encode(share)), "nonce": .string(nonce)])
    }

    private func strings(_ value: JSON?) -> [String] {
        value?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    private func unseal(_ shares: [String]) throws -> SealStatus {
        var status = try core.sealStatus()
        for share in shares { status = try core.unseal(share: share, reset: false) }
        return status
    }

    @Test func rekeyReplacesTheSharesAndKeepsTheData() throws {
        #expect(send("POST", "sys/mounts/secret", ["type": "kv", "options": ["version": "2"]]).status == 204)
        #expect(send("PUT", "secret/data/app", ["data": ["password": "hunter2"]]).status == 200)
        let keySetBefore = try core.sealStatus().keySetID

        let started = send("PUT", "sys/rekey/init", ["secret_shares": 5, "secret_threshold": 3])
        let status = try #require(started.body)
        #expect(status["started"] == true && status["t"] == 3 && status["n"] == 5)
        #expect(status["required"] == 2 && status["progress"] == 0 && status["verification_required"] == false)
        let nonce = try #require(status["nonce"]?.stringValue)

        let halfway = update(initial.shares[2], nonce: nonce)
        #expect(halfway.status == 200 && halfway.body?["progress"] == 1 && halfway.body?["complete"] == nil)
        let done = send(
            "PUT", "sys/rekey/update", ["key": .string(Base64.encode(initial.shares[0])), "nonce": .string(nonce)])
        #expect(done.body?["complete"] == true && done.body?["nonce"]?.stringValue == nonce)
        let keys = strings(done.body?["keys"])
        #expect(keys.count == 5 && strings(done.body?["keys_base64"]).count == 5)
        #expect(send("GET", "sys/rekey/init").body?["started"] == false)
        let after = try core.sealStatus()
        #expect(after.shares == 5 && after.threshold == 3)
        #expect(after.keySetID != nil && after.keySetID != keySetBefore)

        core.seal()
        #expect(throws: CofferError.self) { try unseal(initial.shares.map(Hex.encode)) }
        _ = try core.unseal(share: nil, reset: true)
        #expect(try unseal([keys[4], keys[0], keys[2]]).sealed == false)
        let read = send("GET", "secret/data/app")
        #expect(read.body?["data"]?["data"]?["password"] == "hunter2")
        for secret in keys + initial.shares.map(Hex.encode) {
            #expect(!logs.lines.contains { $0.contains(secret) }, "a share reached the log")
        }
    }

    @Test func theNewKeyIsInstalledInOneCommit() throws {
        let recorder = CommitRecorder()
        storage.setCommitHook(recorder)
        let nonce = try start(["secret_shares": 1, "secret_threshold": 1])
        #expect(update(initial.shares[0], nonce: nonce).body?["progress"] == 1)
        #expect(recorder.sealTransactions.isEmpty, "nothing changes before the threshold")
        #expect(update(initial.shares[1], nonce: nonce).body?["complete"] == true)
        #expect(recorder.sealTransactions == [["core/root-key", "core/seal-config"]])
    }

    @Test func withVerificationTheNewKeyWaitsForItsShares() throws {
        let keySetBefore = try core.sealStatus().keySetID
        let nonce = try start(["secret_shares": 3, "secret_threshold": 2, "require_verification": true])
        #expect(send("GET", "sys/rekey/init").body?["verification_required"] == true)
        _ = update(initial.shares[0], nonce: nonce)
        let done = update(initial.shares[1], nonce: nonce)
        #expect(done.body?["complete"] == true && done.body?["verification_required"] == true)
        let verificationNonce = try #require(done.body?["verification_nonce"]?.stringValue)
        let keys = strings(done.body?["keys"])
        #expect(keys.count == 3 && verificationNonce != nonce)
        #expect(try core.sealStatus().keySetID == keySetBefore, "the new key waits for verification")
        #expect(update(initial.shares[2], nonce: nonce).status == 400)

        let verify = send("GET", "sys/rekey/verify")
        #expect(verify.body?["started"] == true && verify.body?["nonce"]?.stringValue == verificationNonce)
        #expect(verify.body?["t"] == 2 && verify.body?["n"] == 3 && verify.body?["progress"] == 0)
        let wrongNonce = send("PUT", "sys/rekey/verify", ["key": .string(keys[0]), "nonce": "nope"])
        #expect(wrongNonce.status == 400)
        #expect(
            send("PUT", "sys/rekey/verify", ["key": .string(keys[0]), "nonce": .string(verificationNonce)])
                .body?["progress"] == 1)
        let restarted = send("DELETE", "sys/rekey/verify")
        let newNonce = try #require(restarted.body?["nonce"]?.stringValue)
        #expect(restarted.body?["progress"] == 0 && newNonce != verificationNonce)
        #expect(send("PUT", "sys/rekey/verify", ["key": .string(keys[0]), "nonce": .string(newNonce)]).status == 200)
        let verified = send("PUT", "sys/rekey/verify", ["key": .string(keys[2]), "nonce": .string(newNonce)])
        #expect(verified.body == ["nonce": .string(newNonce), "complete": true])
        #expect(try core.sealStatus().keySetID != keySetBefore)
        #expect(send("GET", "sys/rekey/verify").status == 400)

        core.seal()
        #expect(try unseal([keys[1], keys[2]]).sealed == false)
    }

    @Test func malformedDuplicateOrWrongSharesKeepTheProgress() throws {
        let other = try CoreLifecycleTests.makeCore()
        let foreign = try other.initialize(SealConfiguration(secretShares: 3, secretThreshold: 2)).shares
        let nonce = try start(["secret_shares": 3, "secret_threshold": 2])
        #expect(update(initial.shares[0], nonce: nonce).body?["progress"] == 1)

        let malformed = send("PUT", "sys/rekey/update", ["key": "zz", "nonce": .string(nonce)])
        #expect(malformed.status == 400)
        #expect(update(initial.shares[0], nonce: nonce).status == 400)
        let wrongNonce = update(initial.shares[1], nonce: "not-the-nonce")
        #expect(wrongNonce.status == 400 && AuthTestNode.errors(wrongNonce) == ["incorrect nonce"])
        // Shares carry random x coordinates; one equal to the share already given would fail for
        // another reason (two shares with one x), so take a foreign share whose x differs.
        let foreignShare = try #require(foreign.first { $0.last != initial.shares[0].last })
        let wrong = update(foreignShare, nonce: nonce)
        #expect(wrong.status == 400)
        #expect(AuthTestNode.errors(wrong).first?.contains("not counted") == true)
        for reply in [malformed, wrong] {
            let text = String(decoding: try #require(reply.body).serialized(), as: UTF8.self)
            #expect(!text.contains(Hex.encode(foreignShare)) && !text.contains("zz"), "a share in an error")
        }

        #expect(send("GET", "sys/rekey/init").body?["progress"] == 1)
        #expect(update(initial.shares[1], nonce: nonce).body?["complete"] == true)
    }

    @Test func cancelDropsTheAttempt() throws {
        let nonce = try start(["secret_shares": 3, "secret_threshold": 2])
        _ = update(initial.shares[0], nonce: nonce)
        #expect(send("DELETE", "sys/rekey/init").status == 204)
        let status = send("GET", "sys/rekey/init").body
        #expect(status?["started"] == false && status?["progress"] == 0 && status?["nonce"] == "")
        let late = update(initial.shares[1], nonce: nonce)
        #expect(late.status == 400 && AuthTestNode.errors(late) == ["no rekey in progress"])
        #expect(try start(["secret_shares": 3, "secret_threshold": 2]) != nonce)
    }

    @Test func whatCannotBeDoneIsRefused() throws {
        #expect(
            send("PUT", "sys/rekey/init", ["secret_shares": 3, "secret_threshold": 2, "pgp_keys": ["k"]]).status == 400)
        #expect(
            send("PUT", "sys/rekey/init", ["secret_shares": 3, "secret_threshold": 2, "backup": true]).status == 400)
        #expect(send("PUT", "sys/rekey/init", ["secret_shares": 2, "secret_threshold": 3]).status == 400)
        #expect(send("GET", "sys/rekey/init").body?["started"] == false)
        _ = try start(["secret_shares": 3, "secret_threshold": 2, "pgp_keys": .null])
        let again = send("PUT", "sys/rekey/init", ["secret_shares": 3, "secret_threshold": 2])
        #expect(again.status == 400 && AuthTestNode.errors(again) == ["rekey already in progress"])

        let limited = send("POST", "auth/token/create", ["policies": ["default"]])
        let token = try #require(limited.body?["auth"]?["client_token"]?.stringValue)
        #expect(send("DELETE", "sys/rekey/init", token: token).status == 403)
        #expect(core.handle(VaultRequest(method: "GET", path: "sys/rekey/init")).status == 403)
        #expect(send("GET", "sys/rekey/init").body?["started"] == true)

        core.setReplicatedWrites(.forward)
        #expect(send("GET", "sys/rekey/init").status == 400, "a secondary uses its primary's keys")
        core.setReplicatedWrites(.allowed)
        core.seal()
        #expect(send("GET", "sys/rekey/init").status == 503)
    }
}

/// Records which transactions wrote the seal's entries (`core/...`), by their sorted keys.
private final class CommitRecorder: StorageCommitHook {
    private let recorded = Mutex<[[String]]>([])

    var sealTransactions: [[String]] { recorded.withLock { $0 } }

    func operations(forTransaction batches: [[StorageOperation]]) -> [StorageOperation] {
        let keys = batches.joined().map(\.key).filter { $0.hasPrefix("core/") }
        if !keys.isEmpty { recorded.withLock { $0.append(keys.sorted()) } }
        return []
    }

    func transactionFinished(committed: Bool) {}
}
