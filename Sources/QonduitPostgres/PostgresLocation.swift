public import Foundation
import NIOSSL
public import PostgresNIO

/// Where a PostgreSQL database is and how to reach it, from a URL as `serve --db` takes it:
/// `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=PEM]`. The password is never part
/// of the URL (it would show in `ps` and in logs): it comes from `PGPASSWORD` or a file.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode` values, with libpq's meaning.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tlsMode: TLSMode
    /// The CA (PEM file) the server's certificate is verified with, for `verify-ca` and `verify-full`.
    public var caFile: String?

    /// Whether `text` names a PostgreSQL database rather than an SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads `text`; the error says what is wrong with it.
    public init(url text: String) throws(PostgresLocationError) {
        guard Self.isURL(text), let url = URLComponents(string: text) else {
            throw .init("'\(Self.redacted(text))' is not a PostgreSQL URL (postgres://USER@HOST[:PORT]/DATABASE)")
        }
        if url.password != nil {
            throw .init(
                "the PostgreSQL URL carries a password, which would show in process lists and logs: give it in PGPASSWORD or --db-password-file")
        }
        guard let host = url.host, !host.isEmpty else { throw .init("the PostgreSQL URL names no host") }
        guard let user = url.user, !user.isEmpty else { throw .init("the PostgreSQL URL names no user (postgres://USER@HOST/DATABASE)") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw .init("the PostgreSQL URL names no database (postgres://USER@HOST/DATABASE)") }
        var mode = TLSMode.prefer
        var caFile: String?
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let known = TLSMode(rawValue: value) else {
                    throw .init(
                        "sslmode '\(item.value ?? "")' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mode = known
            case "sslrootcert":
                guard let value = item.value, !value.isEmpty else { throw .init("sslrootcert names no file") }
                caFile = value
            default:
                throw .init("the PostgreSQL URL has an unknown parameter '\(item.name)' (known: sslmode, sslrootcert)")
            }
        }
        if mode == .verifyCA || mode == .verifyFull, caFile == nil {
            throw .init("sslmode=\(mode.rawValue) needs the CA to verify the server with: add sslrootcert=PATH to the URL")
        }
        self.host = host
        self.port = url.port ?? 5432
        self.user = user
        self.database = database
        self.tlsMode = mode
        self.caFile = caFile
    }

    /// The URL as it may be logged (it never holds a password).
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(tlsMode.rawValue)"
    }

    /// The client configuration (a pool), with `password` (nil: none, for `trust` authentication).
    public func configuration(password: String?) throws(PostgresLocationError) -> PostgresClient.Configuration {
        let tls = try tlsConfiguration()
        let mode: PostgresClient.Configuration.TLS =
            switch tlsMode {
            case .disable: .disable
            case .prefer: .prefer(tls)
            case .require, .verifyCA, .verifyFull: .require(tls)
            }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: mode)
        configuration.options.maximumConnections = 16
        return configuration
    }

    /// One connection's configuration, as `configuration(password:)`'s pool makes them.
    func connectionConfiguration(password: String?) throws(PostgresLocationError) -> PostgresConnection.Configuration {
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: try tlsConfiguration())
        } catch let error as PostgresLocationError {
            throw error
        } catch {
            throw .init("cannot set up TLS for PostgreSQL: \(error)")
        }
        let tls: PostgresConnection.Configuration.TLS =
            switch tlsMode {
            case .disable: .disable
            case .prefer: .prefer(context)
            case .require, .verifyCA, .verifyFull: .require(context)
            }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// TLS as libpq's `sslmode` means it: `prefer` and `require` encrypt without checking the
    /// certificate; `verify-ca` checks it against the CA; `verify-full` checks the host name too.
    private func tlsConfiguration() throws(PostgresLocationError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw .init("cannot read the CA '\(caFile)' (sslrootcert): \(error)")
            }
        }
        switch tlsMode {
        case .disable, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        return tls
    }

    /// `text` with anything between `://` and `@` hidden, for an error that quotes a bad URL.
    private static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.range(of: "@", range: scheme.upperBound..<text.endIndex) else { return text }
        return String(text[..<scheme.upperBound]) + "…" + String(text[at.lowerBound...])
    }
}

/// What is wrong with a PostgreSQL URL or its TLS files.
public struct PostgresLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
