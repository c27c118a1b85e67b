import Foundation
import QonduitControllerTestSupport
import QonduitTestSupport
import Testing

/// The controller, its agents and the CLI over TLS, with mutual authentication by certificate.
@Suite struct TLSEndToEndTests {
    @Test func controllerAgentsAndCLIWorkOverMutualTLSAndRefuseWhoeverLacksACertificate() async throws {
        let pki = try await TestCertificates()
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await ControllerProcess.start(
            extraArguments: ["--topology", metro.path, "--heartbeat-interval-ms", "300", "--missed-heartbeats", "10"] + pki.arguments)
        defer { controller.terminate() }
        #expect(controller.baseURL.hasPrefix("https://127.0.0.1:"))
        let server = ["--server", controller.baseURL]

        let fleet = try await AgentFleetProcess.start(
            controller: controller.baseURL, count: 2, extraArguments: ["--node", "mad-norte", "--node", "mad-upm"] + pki.arguments)
        defer { fleet.terminate() }
        #expect(fleet.agents.values.allSatisfy { $0.hasPrefix("https://") }, "\(fleet.agents)")

        // The controller configures both agents over TLS (its certificate verified by theirs, and theirs by its CA).
        let provisioned = try await QonduitBinary.run(
            ["paths", "provision", "mad-norte", "mad-upm", "--rate", "10", "--json"] + server + pki.arguments)
        #expect(provisioned.status == 0 && provisioned.stdout.contains("\"state\": \"active\""), "\(provisioned.stdout)\(provisioned.stderr)")
        let agents = try await QonduitBinary.run(["nodes", "list", "--json"] + server + pki.arguments)
        #expect(
            jsonArray(agents.stdout).filter { ["mad-norte", "mad-upm"].contains($0["id"] as? String) }.allSatisfy { $0["status"] as? String == "up" })

        let noClientCertificate = try await QonduitBinary.run(["nodes", "list", "--tls-ca", pki.ca] + server)
        #expect(noClientCertificate.status != 0, "mutual TLS: a client without a certificate is refused")
        let untrusted = try await QonduitBinary.run(["nodes", "list", "--tls-cert", pki.certificate, "--tls-key", pki.key] + server)
        #expect(untrusted.status != 0, "the controller's certificate is not trusted without the CA")
        #expect(untrusted.stderr.contains("give --tls-ca PEM") && !untrusted.stderr.contains("is `qonduit serve` running"), "\(untrusted.stderr)")
        let stranger = try await QonduitBinary.run(
            ["nodes", "list", "--tls-ca", pki.ca, "--tls-cert", pki.strangerCertificate, "--tls-key", pki.strangerKey] + server)
        #expect(stranger.status != 0, "a certificate from another CA is refused")
        let plain = try await QonduitBinary.run(["nodes", "list", "--server", controller.baseURL.replacingOccurrences(of: "https:", with: "http:")])
        #expect(plain.status != 0, "no plain HTTP on a TLS port")
        #expect(plain.stderr.contains("http:// to an HTTPS port?") && plain.stderr.split(separator: "\n").count == 1, "\(plain.stderr)")

        // Both stop cleanly over TLS: every client they made is shut down, no connection outlives the budget.
        fleet.terminate()
        #expect(try await eventually(15) { !fleet.process.isRunning }, "SIGTERM stops the TLS agents")
        #expect(fleet.process.terminationReason == .exit && fleet.process.terminationStatus == 0, "the TLS agents exit 0")
        #expect(try await controller.stop() == 0, "the TLS controller exits 0")
    }

    @Test(arguments: [
        (["serve", "--tls-cert", "/nonexistent.pem"], "--tls-cert and --tls-key go together"),
        (["serve", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"], "cannot be read"),
        (["nodes", "list", "--tls-ca", "/etc/hostname"], "--tls-ca '/etc/hostname' "),
    ])
    func badTLSOptionsAreRefusedNamingTheOption(_ arguments: [String], _ message: String) async throws {
        let result = try await QonduitBinary.run(arguments)
        #expect(result.status != 0 && result.stderr.contains(message), "\(result.stderr)")
    }
}
