/// A bearer secret (an operator's API token or an agent's credential): 256 random bits from the
/// system's cryptographic generator, in hexadecimal after a prefix that says what it is for, so
/// that a leaked one is recognisable (secret scanners) and cannot be mistaken for the other kind.
public struct AccessSecret: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// An operator's API token.
        case apiToken = "qdt_"
        /// A node agent's credential.
        case agentCredential = "qda_"
        /// A console session: what the browser's cookie holds once an API token signed in.
        case session = "qds_"
    }

    /// The full text the holder presents.
    public let text: String

    /// A fresh secret. `SystemRandomNumberGenerator` reads the kernel's CSPRNG (getrandom on Linux).
    public static func random(_ kind: Kind) -> AccessSecret {
        var generator = SystemRandomNumberGenerator()
        let digits: [Character] = Array("0123456789abcdef")
        var text = kind.rawValue
        text.reserveCapacity(kind.rawValue.count + 64)
        for _ in 0..<4 {
            var word = generator.next() as UInt64
            for _ in 0..<16 {
                text.append(digits[Int(word & 0xF)])
                word >>= 4
            }
        }
        return AccessSecret(text: text)
    }

    /// Nil unless `text` has the shape of a secret of `kind` (prefix and 64 lower-case hex digits).
    public init?(_ text: String, kind: Kind) {
        guard text.hasPrefix(kind.rawValue) else { return nil }
        let digits = text.utf8.dropFirst(kind.rawValue.utf8.count)
        guard digits.count == 64, digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        self.text = text
    }

    private init(text: String) { self.text = text }

    /// Never the secret itself: a secret must not reach a log by accident.
    public var description: String { "\(text.prefix(4))…" }
}

extension AccessSecret {
    /// What the controller stores of an API token: its SHA-256, so that a copy of the database
    /// lets no one in.
    public var tokenHash: String { Self.sha256Hex("qonduit api token:" + text) }

    /// What the controller stores of a console session, so that a copy of the database signs no one in.
    public var sessionHash: String { Self.sha256Hex("qonduit session:" + text) }

    /// What the controller stores to recognise an agent presenting this credential.
    public var agentVerifier: String { Self.sha256Hex("qonduit agent credential:" + text) }

    /// What the controller presents to the agent holding this credential, and the agent checks:
    /// derived from the credential, so that the agent needs no second secret, and different from
    /// the verifier, so that the stored verifier does not let its holder pass for the controller.
    public var controllerProof: String { Self.sha256Hex("qonduit controller:" + text) }

    private static func sha256Hex(_ text: String) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var hex = ""
        hex.reserveCapacity(64)
        for byte in SystemCrypto.sha256(Array(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0xF)])
        }
        return hex
    }
}

/// Compares two texts in time that depends only on their lengths, so that a bearer check leaks
/// nothing about how much of a guess was right.
public func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}

/// The credentials of an `Authorization: Bearer …` header value (the scheme in any case, RFC 9110);
/// nil for any other scheme or shape.
public func bearerCredentials(_ header: String?) -> String? {
    guard let header else { return nil }
    let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
    let credentials = parts[1].drop { $0 == " " }
    var end = credentials.endIndex
    while end > credentials.startIndex, credentials[credentials.index(before: end)] == " " { end = credentials.index(before: end) }
    return credentials.isEmpty ? nil : String(credentials[..<end])
}
