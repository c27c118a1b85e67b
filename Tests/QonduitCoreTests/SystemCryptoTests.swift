import Testing

@testable import QonduitCore

/// libcrypto through `SystemCrypto`: known answers from the standards, and the sealing layout that
/// stored device credentials depend on.
@Suite struct SystemCryptoTests {
    func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    @Test func sha256GivesTheFIPS180KnownAnswers() {
        #expect(SystemCrypto.sha256(Array("abc".utf8)) == bytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(SystemCrypto.sha256([]) == bytes("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
    }

    /// The GCM specification's test cases 13, 14 and 16 (256-bit keys), as nonce ‖ ciphertext ‖ tag.
    @Test func aesGCMGivesTheSpecificationsKnownAnswers() throws {
        let zeros = [UInt8](repeating: 0, count: 32)
        let nonce = [UInt8](repeating: 0, count: 12)
        #expect(try SystemCrypto.seal([], key: zeros, nonce: nonce, authenticating: []) == nonce + bytes("530f8afbc74536b9a963b4f1c4cb738b"))
        #expect(
            try SystemCrypto.seal([UInt8](repeating: 0, count: 16), key: zeros, nonce: nonce, authenticating: [])
                == nonce + bytes("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"))
        let key = bytes("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
        let iv = bytes("cafebabefacedbaddecaf888")
        let plaintext = bytes(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
        let aad = bytes("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let sealed = try SystemCrypto.seal(plaintext, key: key, nonce: iv, authenticating: aad)
        #expect(
            sealed
                == iv
                + bytes(
                    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662")
                + bytes("76fc6ece0f4e1768cddf8853bb2d551b"))
        #expect(try SystemCrypto.open(sealed, key: key, authenticating: aad) == plaintext)
    }

    @Test func aSealedCredentialOpensOnlyWithItsKeyForItsNodeAndUnaltered() throws {
        let sealer = try #require(CredentialSealer(key: CredentialSealer.newKey()))
        let credential = DeviceCredential.basic(username: "admin", password: "pässword")
        let sealed = try sealer.seal(credential, for: "ams-bank")
        #expect(try sealer.open(sealed, for: "ams-bank") == credential)
        #expect(try sealer.seal(credential, for: "ams-bank") != sealed, "a fresh nonce each time")
        #expect(throws: CredentialSealer.SealingError.self) { try sealer.open(sealed, for: "bru-nato") }
        let other = try #require(CredentialSealer(key: CredentialSealer.newKey()))
        #expect(throws: CredentialSealer.SealingError.self) { try other.open(sealed, for: "ams-bank") }
        for index in [0, 12, sealed.count - 1] {
            var altered = sealed
            altered[index] ^= 1
            #expect(throws: CredentialSealer.SealingError.self) { try sealer.open(altered, for: "ams-bank") }
        }
        #expect(throws: CredentialSealer.SealingError.self) { try sealer.open(Array(sealed.prefix(20)), for: "ams-bank") }
        #expect(CredentialSealer(key: [1, 2, 3]) == nil && CredentialSealer.newKey() != CredentialSealer.newKey())
    }
}
