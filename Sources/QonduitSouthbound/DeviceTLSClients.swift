import AsyncHTTPClient
import NIOCore
import NIOSSL
import Synchronization

/// HTTP clients that verify a device's certificate with the CA it was onboarded with, one per CA
/// (and per use: requests time out, streams do not), shared by every device of that CA and living as
/// long as the process, as `HTTPClient.shared` does.
enum DeviceTLSClients {
    private static let clients = Mutex<[String: HTTPClient]>([:])

    struct InvalidCA: Error, CustomStringConvertible {
        var reason: String
        var description: String { "tls_ca is not a PEM certificate: \(reason)" }
    }

    /// The certificates of a PEM text; throws when there are none or they do not parse.
    static func certificates(_ pem: String) throws -> [NIOSSLCertificate] {
        let parsed: [NIOSSLCertificate]
        do { parsed = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)) } catch { throw InvalidCA(reason: "\(error)") }
        guard !parsed.isEmpty else { throw InvalidCA(reason: "it holds no certificate") }
        return parsed
    }

    static func client(ca pem: String, streaming: Bool) throws -> HTTPClient {
        let key = (streaming ? "stream:" : "request:") + pem
        if let client = clients.withLock({ $0[key] }) { return client }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try certificates(pem))
        let timeout = streaming ? HTTPClient.Configuration.Timeout(connect: .seconds(2)) : .init(connect: .seconds(2), read: .seconds(10))
        let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls, timeout: timeout))
        return clients.withLock { clients in
            if let existing = clients[key] {
                try? made.syncShutdown()
                return existing
            }
            clients[key] = made
            return made
        }
    }
}
