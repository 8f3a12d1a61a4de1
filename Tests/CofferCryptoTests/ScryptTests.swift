import CofferBase
import CofferCrypto
import Testing

struct ScryptTests {
    @Test func rfc7914VectorsMatch() throws {
        let empty = try Scrypt.derive(
            password: [UInt8](), salt: [UInt8](), parameters: Scrypt.Parameters(cost: 16, blockSize: 1, parallelism: 1),
            length: 64)
        #expect(
            Hex.encode(empty)
                == "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")
        let salted = try Scrypt.derive(
            password: Array("password".utf8), salt: Array("NaCl".utf8),
            parameters: Scrypt.Parameters(cost: 1024, blockSize: 8, parallelism: 16), length: 64)
        #expect(
            Hex.encode(salted)
                == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    @Test func interactiveParametersRunDespiteOpenSSLsDefaultMemoryLimit() throws {
        let key = try Scrypt.derive(
            password: Array("pw".utf8), salt: [UInt8](repeating: 1, count: 16), parameters: .interactive)
        #expect(key.count == 32)
    }

    @Test(arguments: [
        Scrypt.Parameters(cost: 1000, blockSize: 8, parallelism: 1),
        Scrypt.Parameters(cost: 1, blockSize: 8, parallelism: 1),
        Scrypt.Parameters(cost: 1024, blockSize: 0, parallelism: 1),
        Scrypt.Parameters(cost: 1 << 22, blockSize: 8, parallelism: 1),
    ])
    func unacceptableParametersAreRefused(parameters: Scrypt.Parameters) {
        #expect(throws: CryptoError.self) {
            try Scrypt.derive(password: Array("pw".utf8), salt: Array("salt".utf8), parameters: parameters)
        }
    }
}
