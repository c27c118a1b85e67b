import CLibCrypto

/// SHA-256, AES-256-GCM and random bytes from the system's libcrypto (OpenSSL, Debian's
/// libssl-dev), through its EVP interface. It replaces swift-crypto, whose own copy of BoringSSL
/// was a fifth of a first build (swift-nio-ssl brings another that cannot be shared).
enum SystemCrypto {
    static let gcmNonceBytes = 12
    static let gcmTagBytes = 16

    struct Failure: Error {}

    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
        }
        // Hashing memory cannot fail short of a broken libcrypto.
        precondition(ok == 1 && length == 32, "libcrypto's SHA-256 failed")
        return Array(digest.prefix(32))
    }

    /// Bytes from libcrypto's CSPRNG (seeded by the kernel).
    static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        precondition(RAND_bytes(&bytes, Int32(count)) == 1, "libcrypto's random generator failed")
        return bytes
    }

    /// AES-256-GCM with a fresh random nonce: nonce ‖ ciphertext ‖ tag, the layout swift-crypto's
    /// `AES.GCM.SealedBox.combined` had, so that values sealed before still open.
    static func seal(_ plaintext: [UInt8], key: [UInt8], authenticating aad: [UInt8]) throws -> [UInt8] {
        try seal(plaintext, key: key, nonce: randomBytes(gcmNonceBytes), authenticating: aad)
    }

    /// With a given nonce: for known-answer tests only, since a nonce used twice under one key breaks GCM.
    static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], authenticating aad: [UInt8]) throws -> [UInt8] {
        guard key.count == 32, nonce.count == gcmNonceBytes else { throw Failure() }
        guard let context = EVP_CIPHER_CTX_new() else { throw Failure() }
        defer { EVP_CIPHER_CTX_free(context) }
        var out = [UInt8](repeating: 0, count: plaintext.count + gcmTagBytes)
        var tag = [UInt8](repeating: 0, count: gcmTagBytes)
        var written: Int32 = 0
        var total = 0
        guard EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(gcmNonceBytes), nil) == 1,
            EVP_EncryptInit_ex(context, nil, nil, key, nonce) == 1,
            aad.isEmpty || EVP_EncryptUpdate(context, nil, &written, aad, Int32(aad.count)) == 1
        else { throw Failure() }
        if !plaintext.isEmpty {
            guard EVP_EncryptUpdate(context, &out, &written, plaintext, Int32(plaintext.count)) == 1 else { throw Failure() }
            total = Int(written)
        }
        let finished = out.withUnsafeMutableBufferPointer { buffer in
            EVP_EncryptFinal_ex(context, buffer.baseAddress! + total, &written)
        }
        guard finished == 1 else { throw Failure() }
        total += Int(written)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(gcmTagBytes), &tag) == 1 else { throw Failure() }
        return nonce + out.prefix(total) + tag
    }

    /// Opens what `seal` made; throws when the key, the associated data or any byte differs.
    static func open(_ combined: [UInt8], key: [UInt8], authenticating aad: [UInt8]) throws -> [UInt8] {
        guard key.count == 32, combined.count >= gcmNonceBytes + gcmTagBytes else { throw Failure() }
        let nonce = Array(combined.prefix(gcmNonceBytes))
        var tag = Array(combined.suffix(gcmTagBytes))
        let ciphertext = Array(combined.dropFirst(gcmNonceBytes).dropLast(gcmTagBytes))
        guard let context = EVP_CIPHER_CTX_new() else { throw Failure() }
        defer { EVP_CIPHER_CTX_free(context) }
        var out = [UInt8](repeating: 0, count: ciphertext.count + gcmTagBytes)
        var written: Int32 = 0
        var total = 0
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(gcmNonceBytes), nil) == 1,
            EVP_DecryptInit_ex(context, nil, nil, key, nonce) == 1,
            aad.isEmpty || EVP_DecryptUpdate(context, nil, &written, aad, Int32(aad.count)) == 1
        else { throw Failure() }
        if !ciphertext.isEmpty {
            guard EVP_DecryptUpdate(context, &out, &written, ciphertext, Int32(ciphertext.count)) == 1 else { throw Failure() }
            total = Int(written)
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(gcmTagBytes), &tag) == 1 else { throw Failure() }
        let verified = out.withUnsafeMutableBufferPointer { buffer in
            EVP_DecryptFinal_ex(context, buffer.baseAddress! + total, &written)
        }
        guard verified == 1 else { throw Failure() }
        return Array(out.prefix(total + Int(written)))
    }
}
