/// Why the access store refused a request about a token or a credential.
public enum AccessError: Error, Sendable, Equatable {
    case tokenNotFound(String)
    case credentialNotFound(String)
}
