import Crypto

/// Seals device credentials for storage with AES-256-GCM under a key kept apart from the database
/// (a key file beside it), so that a copy of the database alone reveals none of them. Each sealed
/// value is bound to the node it belongs to: moved to another node's row, it does not open.
public struct CredentialSealer: Sendable {
    private let key: SymmetricKey

    /// A fresh random key, as written to the key file at first start.
    public static func newKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// Nil unless `key` is 32 bytes.
    public init?(key: [UInt8]) {
        guard key.count == 32 else { return nil }
        self.key = SymmetricKey(data: key)
    }

    public func seal(_ credential: DeviceCredential, for node: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(credential.serialized, using: key, authenticating: Array(node.utf8))
        guard let combined = box.combined else { throw SealingError.failed }
        return Array(combined)
    }

    /// The credential sealed for `node`; throws when the key is not the one that sealed it or the
    /// value was altered or moved.
    public func open(_ sealed: [UInt8], for node: String) throws -> DeviceCredential {
        let box = try AES.GCM.SealedBox(combined: sealed)
        let bytes = try AES.GCM.open(box, using: key, authenticating: Array(node.utf8))
        guard let credential = DeviceCredential(serialized: Array(bytes)) else { throw SealingError.failed }
        return credential
    }

    public enum SealingError: Error, CustomStringConvertible {
        case failed
        public var description: String { "a stored device credential does not open with this key file" }
    }
}
