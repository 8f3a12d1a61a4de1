import CofferBase
import CofferCrypto

/// The barrier's data-encryption keys, one per term, plus the root key that protects them (DESIGN.md §3).
///
/// Immutable: rotation produces a new keyring. Terms only grow; every term ever used stays readable.
public struct Keyring: Sendable {
    /// One data-encryption key and when it was installed.
    public struct Term: Sendable {
        public let number: UInt32
        public let key: [UInt8]
        public let installTime: Timestamp
        /// The cipher for this key, built once so the read path does not rebuild it per entry.
        let cipher: AESGCM
    }

    /// The key that encrypts this keyring in storage.
    public let rootKey: [UInt8]
    /// Every term, by number.
    public let terms: [UInt32: Term]
    /// The term new entries are written with.
    public let activeTerm: UInt32

    /// A fresh keyring with a random root key and one term.
    public static func generate() throws(CryptoError) -> Keyring {
        let term = try Term(number: 1, key: AESGCM.generateKey(), installTime: Clock.now())
        return Keyring(rootKey: AESGCM.generateKey(), terms: [1: term], activeTerm: 1)
    }

    /// This keyring with one more term, which becomes active.
    public func rotated() throws(CryptoError) -> Keyring {
        let number = activeTerm + 1
        var terms = self.terms
        terms[number] = try Term(number: number, key: AESGCM.generateKey(), installTime: Clock.now())
        return Keyring(rootKey: rootKey, terms: terms, activeTerm: number)
    }

    /// The active term.
    public var active: Term { terms[activeTerm]! }

    /// The stored form (JSON), which the barrier encrypts under the root key.
    public func serialized() -> [UInt8] {
        let keys = terms.values.sorted { $0.number < $1.number }.map { term -> JSON in
            [
                "term": .int(Int64(term.number)),
                "key": .string(Base64.encode(term.key)),
                "install_time": .int(term.installTime.seconds),
            ]
        }
        let document: JSON = [
            "active_term": .int(Int64(activeTerm)),
            "root_key": .string(Base64.encode(rootKey)),
            "keys": .array(keys),
        ]
        return document.serialized()
    }

    /// Reads the stored form; `nil` when it is malformed.
    public static func deserialize(_ bytes: [UInt8]) -> Keyring? {
        guard let document = try? JSON.parse(bytes),
            let active = document["active_term"]?.intValue,
            let rootKey = document["root_key"]?.stringValue.flatMap(Base64.decode),
            let keys = document["keys"]?.arrayValue
        else { return nil }
        var terms: [UInt32: Term] = [:]
        for entry in keys {
            guard let number = entry["term"]?.intValue, let key = entry["key"]?.stringValue.flatMap(Base64.decode),
                let installed = entry["install_time"]?.intValue,
                let term = try? Term(number: UInt32(number), key: key, installTime: Timestamp(seconds: installed))
            else { return nil }
            terms[term.number] = term
        }
        guard let activeTerm = UInt32(exactly: active), terms[activeTerm] != nil, rootKey.count == 32 else {
            return nil
        }
        return Keyring(rootKey: rootKey, terms: terms, activeTerm: activeTerm)
    }
}

extension Keyring.Term {
    init(number: UInt32, key: [UInt8], installTime: Timestamp) throws(CryptoError) {
        self.number = number
        self.key = key
        self.installTime = installTime
        self.cipher = try AESGCM(key: key)
    }
}
