import PostgresNIO

/// What a PostgreSQL error says, for an operator: the server's message (and hint), or what failed
/// on the way to the server. postgres-nio's own description hides both.
public enum PostgresErrorText {
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            return [message, info[.detail], info[.hint].map { "hint: \($0)" }].compactMap { $0 }.joined(separator: "; ")
        }
        if error.code == .authMechanismRequiresPassword {
            return "the server asks for a password: give it in PGPASSWORD or --db-password-file"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
