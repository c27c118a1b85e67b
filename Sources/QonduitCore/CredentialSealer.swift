/// Seals device credentials for storage with AES-256-GCM under a key kept apart from the database
/// (a key file beside it), so that a copy of the database alone reveals none of them. Each sealed
/// value is bound to the node it belongs to: moved to another node's row, it does not open.
public struct CredentialSealer: Sendable {
    private let key: [UInt8]

    /// A fresh random key, as written to the key file at first start.
    public static func newKey() -> [UInt8] {
        SystemCrypto.randomBytes(32)
    }

    /// Nil unless `key` is 32 bytes.
    public init?(key: [UInt8]) {
        guard key.count == 32 else { return nil }
        self.key = key
    }

    public func seal(_ credential: DeviceCredential, for node: String) throws -> [UInt8] {
        do {
            return try SystemCrypto.seal(credential.serialized, key: key, authenticating: Array(node.utf8))
        } catch {
            throw SealingError.failed
        }
    }

    /// The credential sealed for `node`; throws when the key is not the one that sealed it or the
    /// value was altered or moved.
    public func open(_ sealed: [UInt8], for node: String) throws -> DeviceCredential {
        let bytes: [UInt8]
        do {
            bytes = try SystemCrypto.open(sealed, key: key, authenticating: Array(node.utf8))
        } catch {
            throw SealingError.failed
        }
        guard let credential = DeviceCredential(serialized: bytes) else { throw SealingError.failed }
        return credential
    }

    public enum SealingError: Error, CustomStringConvertible {
        case failed
        public var description: String { "a stored device credential does not open with this key file" }
    }
}
