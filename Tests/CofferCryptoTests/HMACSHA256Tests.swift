import CofferBase
import CofferCrypto
import Testing

struct HMACSHA256Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let message: [UInt8]
        let mac: String
        var testDescription: String { name }
    }

    static let rfc4231: [Vector] = [
        Vector(
            name: "RFC 4231 case 1", key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8),
            mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Vector(
            name: "RFC 4231 case 2", key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8),
            mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Vector(
            name: "RFC 4231 case 3", key: [UInt8](repeating: 0xaa, count: 20),
            message: [UInt8](repeating: 0xdd, count: 50),
            mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Vector(
            name: "RFC 4231 case 6", key: [UInt8](repeating: 0xaa, count: 131),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Vector(
            name: "empty key and message", key: [], message: [],
            mac: "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"),
    ]

    @Test(arguments: rfc4231)
    func authenticateMatchesKnownVector(vector: Vector) {
        #expect(Hex.encode(HMACSHA256.authenticate(vector.message, key: vector.key)) == vector.mac)
    }

    @Test(arguments: rfc4231)
    func isValidAcceptsTheKnownMac(vector: Vector) throws {
        let mac = try #require(Hex.decode(vector.mac))
        #expect(HMACSHA256.isValid(mac, for: vector.message, key: vector.key))
    }

    @Test func isValidRejectsChangedMacMessageOrKey() {
        let key = Array("key".utf8)
        let message = Array("message".utf8)
        var mac = HMACSHA256.authenticate(message, key: key)
        #expect(!HMACSHA256.isValid(mac, for: Array("messagf".utf8), key: key))
        #expect(!HMACSHA256.isValid(mac, for: message, key: Array("kez".utf8)))
        #expect(!HMACSHA256.isValid(Array(mac.dropLast()), for: message, key: key))
        mac[31] ^= 1
        #expect(!HMACSHA256.isValid(mac, for: message, key: key))
    }

    @Test func concurrentCallersGetTheSameMac() async {
        let key = Array("shared key".utf8)
        let expected = HMACSHA256.authenticate(Array("request".utf8), key: key)
        let results = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<64 {
                group.addTask { HMACSHA256.authenticate(Array("request".utf8), key: key) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0 == expected })
    }
}
