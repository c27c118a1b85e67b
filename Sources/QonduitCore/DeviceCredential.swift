/// What the controller presents to a standard GS QKD 015 device it manages by address: the device's
/// own credential, given by the operator, never shown again once given.
public enum DeviceCredential: Sendable, Equatable, CustomStringConvertible {
    case bearer(String)
    case basic(username: String, password: String)

    /// Never the secret: a credential must not reach a log by accident.
    public var description: String {
        switch self {
        case .bearer: "bearer token"
        case .basic(let username, _): "basic credentials of user '\(username)'"
        }
    }

    /// The credential as bytes to seal: a tag byte, then the fields as length-prefixed UTF-8.
    public var serialized: [UInt8] {
        func field(_ text: String) -> [UInt8] {
            let bytes = Array(text.utf8)
            let count = UInt32(bytes.count)
            return [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)] + bytes
        }
        switch self {
        case .bearer(let token): return [1] + field(token)
        case .basic(let username, let password): return [2] + field(username) + field(password)
        }
    }

    public init?(serialized bytes: [UInt8]) {
        var rest = bytes[...]
        func field() -> String? {
            guard rest.count >= 4 else { return nil }
            let count = rest.prefix(4).reduce(0) { $0 << 8 | Int($1) }
            rest = rest.dropFirst(4)
            guard rest.count >= count else { return nil }
            defer { rest = rest.dropFirst(count) }
            return String(validating: rest.prefix(count), as: UTF8.self)
        }
        guard let tag = rest.popFirst() else { return nil }
        switch tag {
        case 1:
            guard let token = field(), rest.isEmpty else { return nil }
            self = .bearer(token)
        case 2:
            guard let username = field(), let password = field(), rest.isEmpty else { return nil }
            self = .basic(username: username, password: password)
        default:
            return nil
        }
    }
}
