import ArgumentParser
import Foundation
import NIOCore
import NIOSSL

/// TLS for a command's connections: the certificate this end presents (as a server, or as a client
/// for mutual TLS) and the CA that verifies the other end. PEM files.
struct TLSOptions: ParsableArguments {
    @Option(help: "PEM certificate (chain) this end presents: a server's, or a client's for mutual TLS. Needs --tls-key.")
    var tlsCert: String?
    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?
    @Option(
        help:
            "PEM CA certificate(s) that verify the other end: the server a client connects to (default: the system's roots), and, on a server, each client, which must then present a certificate (mutual TLS)."
    )
    var tlsCa: String?

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        _ = try material()
    }

    var isEnabled: Bool { tlsCert != nil }

    private struct Material {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    private func material() throws -> (identity: Material?, roots: [NIOSSLCertificate]?) {
        func load<T>(_ option: String, _ path: String, _ read: (String) throws -> T) throws -> T {
            guard FileManager.default.isReadableFile(atPath: path) else { throw ValidationError("\(option) '\(path)' cannot be read") }
            do { return try read(path) } catch {
                throw ValidationError("\(option) '\(path)' is not a PEM \(option == "--tls-key" ? "private key" : "certificate"): \(error)")
            }
        }
        var identity: Material?
        if let tlsCert, let tlsKey {
            let chain = try load("--tls-cert", tlsCert) { try NIOSSLCertificate.fromPEMFile($0) }
            guard !chain.isEmpty else { throw ValidationError("--tls-cert '\(tlsCert)' holds no certificate") }
            identity = Material(chain: chain, key: try load("--tls-key", tlsKey) { try NIOSSLPrivateKey(file: $0, format: .pem) })
        }
        let roots = try tlsCa.map { path in
            let certificates = try load("--tls-ca", path) { try NIOSSLCertificate.fromPEMFile($0) }
            guard !certificates.isEmpty else { throw ValidationError("--tls-ca '\(path)' holds no certificate") }
            return certificates
        }
        return (identity, roots)
    }

    /// A server's configuration; nil without a certificate (plain HTTP). With a CA, clients must present a certificate it signed.
    /// How long a closing connection waits for the peer's TLS close_notify before closing anyway.
    /// NIOSSL's 5 s outlasts a stopping simulator's whole shutdown budget (3 s, then 2 s to cancel),
    /// and a peer holding a keep-alive connection open would make it trap instead of exiting.
    static let shutdownTimeout = TimeAmount.seconds(1)

    func serverConfiguration() throws -> TLSConfiguration? {
        let (identity, roots) = try material()
        guard let identity else { return nil }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: identity.chain.map { .certificate($0) }, privateKey: .privateKey(identity.key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.shutdownTimeout = Self.shutdownTimeout
        if let roots {
            configuration.trustRoots = .certificates(roots)
            // Clients are identified by their certificate, not a host name.
            configuration.certificateVerification = .noHostnameVerification
        }
        return configuration
    }

    /// A client's configuration: the server verified against the CA (or the system's roots), this
    /// end's certificate presented when one is given.
    func clientConfiguration() throws -> TLSConfiguration {
        let (identity, roots) = try material()
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.shutdownTimeout = Self.shutdownTimeout
        if let roots { configuration.trustRoots = .certificates(roots) }
        if let identity {
            configuration.certificateChain = identity.chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(identity.key)
        }
        return configuration
    }
}
