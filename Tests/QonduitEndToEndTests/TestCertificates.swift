import Foundation
import QonduitControllerTestSupport
import QonduitTestSupport

/// A throwaway PKI for TLS tests, made with the openssl command: a CA, a certificate it signed for
/// 127.0.0.1 usable by servers and clients alike, and a certificate another CA signed (a stranger).
struct TestCertificates {
    let directory: URL
    var ca: String { path("ca.pem") }
    var certificate: String { path("leaf.pem") }
    var key: String { path("leaf.key") }
    var strangerCertificate: String { path("stranger.pem") }
    var strangerKey: String { path("stranger.key") }

    /// The options that give a qonduit command this PKI's CA and certificate.
    var arguments: [String] { ["--tls-ca", ca, "--tls-cert", certificate, "--tls-key", key] }

    init() async throws {
        directory = try TestFiles.newDirectory("pki")
        let extensions = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n"
        try extensions.write(to: directory.appendingPathComponent("leaf.ext"), atomically: true, encoding: .utf8)
        for (name, caName) in [("leaf", "ca"), ("stranger", "other-ca")] {
            try await openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-keyout", path("\(caName).key"), "-out", path("\(caName).pem"), "-subj", "/CN=Qonduit test \(caName)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
            try await openssl([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=127.0.0.1",
            ])
            try await openssl([
                "x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(caName).pem"), "-CAkey", path("\(caName).key"),
                "-CAcreateserial", "-days", "2", "-out", path("\(name).pem"), "-extfile", path("leaf.ext"),
            ])
        }
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func openssl(_ arguments: [String]) async throws {
        guard let openssl = ProcessRunner.which("openssl") else { throw ControllerFailed(message: "openssl is not installed") }
        let result = try await ProcessRunner.run(openssl, arguments)
        guard result.status == 0 else { throw ControllerFailed(message: "openssl \(arguments.first ?? ""): \(result.stderr)") }
    }
}
