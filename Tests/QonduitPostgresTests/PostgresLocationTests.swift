import QonduitPostgres
import Testing

/// `serve --db postgres://…`: what a URL may say, and a clear error for what it may not.
@Suite struct PostgresLocationTests {
    @Test func readsUserHostPortDatabaseAndTLS() throws {
        let location = try PostgresLocation(url: "postgres://qonduit@db.example:6543/inventory?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(location.user == "qonduit" && location.host == "db.example" && location.port == 6543 && location.database == "inventory")
        #expect(location.tlsMode == .verifyFull && location.caFile == "/etc/ca.pem")
        let plain = try PostgresLocation(url: "postgresql://u@h/d")
        #expect(plain.port == 5432 && plain.tlsMode == .prefer && plain.caFile == nil, "libpq's defaults")
        #expect(plain.description == "postgres://u@h:5432/d?sslmode=prefer")
    }

    @Test(arguments: [
        ("postgres://u:hunter2@h/d", "carries a password"),
        ("postgres://h/d", "names no user"),
        ("postgres://u@/d", "names no host"),
        ("postgres://u@h", "names no database"),
        ("postgres://u@h/d/e", "names no database"),
        ("postgres://u@h/d?sslmode=maybe", "sslmode 'maybe' is not one of disable, prefer, require, verify-ca, verify-full"),
        ("postgres://u@h/d?sslmode=verify-ca", "needs the CA"),
        ("postgres://u@h/d?sslrootcert=", "sslrootcert names no file"),
        ("postgres://u@h/d?application_name=x", "unknown parameter 'application_name'"),
        ("mysql://u@h/d", "is not a PostgreSQL URL"),
    ])
    func refusesWhatItCannotUseSayingWhy(_ url: String, _ reason: String) {
        #expect {
            _ = try PostgresLocation(url: url)
        } throws: { error in
            "\(error)".contains(reason) && !"\(error)".contains("hunter2")
        }
    }

    @Test func aCAThatCannotBeReadIsNamed() throws {
        let location = try PostgresLocation(url: "postgres://u@h/d?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem")
        #expect {
            _ = try location.configuration(password: nil)
        } throws: { error in
            "\(error)".contains("cannot read the CA '/nonexistent/ca.pem'")
        }
    }
}
