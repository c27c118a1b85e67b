import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import QonduitControllerTestSupport
import QonduitCore
import QonduitETSI
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import Testing

/// Operators' tokens and agents' credentials against a real controller, driven through the CLI.
@Suite struct SecurityEndToEndTests {
    @Test func theFirstAdminTokenIsWrittenForItsOwnerAndTheCLIReadsIt() async throws {
        let controller = try await ControllerProcess.start()
        defer { controller.terminate() }
        let attributes = try FileManager.default.attributesOfItem(atPath: controller.tokenFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "readable by the owner only")
        #expect(controller.token.hasPrefix("qdt_") && controller.token.count == 68)

        let anonymous = try await QonduitBinary.run(["nodes", "list", "--server", controller.baseURL], token: "")
        #expect(
            anonymous.status != 0 && anonymous.stderr.contains("401") && anonymous.stderr.contains("no API token was given"), "\(anonymous.stderr)")
        let fromFile = try await QonduitBinary.run(
            ["nodes", "list", "--server", controller.baseURL, "--token-file", controller.tokenFile], token: "")
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let missingFile = try await QonduitBinary.run(["nodes", "list", "--server", controller.baseURL, "--token-file", "/nonexistent/t"], token: "")
        #expect(missingFile.status != 0 && missingFile.stderr.contains("does not exist"), "\(missingFile.stderr)")
        #expect(!missingFile.stderr.contains("qonduit <subcommand>"), "no usage line of another command: \(missingFile.stderr)")
        let wrong = try await QonduitBinary.run(["nodes", "list", "--server", controller.baseURL, "--token", "qdt_nope"], token: "")
        #expect(wrong.status != 0 && wrong.stderr.contains("was refused"), "\(wrong.stderr)")

        // A restart keeps the token (and writes no new one).
        try await controller.stop()
        let again = try await ControllerProcess.start(database: controller.databasePath)
        defer { again.terminate() }
        #expect(again.token == controller.token)
        #expect(try await QonduitBinary.run(["nodes", "list", "--server", again.baseURL]).status == 0)
    }

    @Test func tokensOfEachRoleAreCreatedUsedAndRevokedFromTheCLI() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await ControllerProcess.start(extraArguments: ["--topology", metro.path])
        defer { controller.terminate() }
        let server = ["--server", controller.baseURL]
        let created = try await QonduitBinary.run(
            ["tokens", "create", "--role", "viewer", "--expires", "30d", "--description", "wall display"] + server)
        #expect(created.status == 0, "\(created.stderr)")
        let viewer = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(viewer.hasPrefix("qdt_") && created.stderr.contains("cannot be shown again"))

        #expect(try await QonduitBinary.run(["links", "list"] + server, token: viewer).status == 0)
        let provision = try await QonduitBinary.run(["paths", "provision", "mad-norte", "mad-upm", "--rate", "10"] + server, token: viewer)
        #expect(
            provision.status != 0 && provision.stderr.contains("403") && provision.stderr.contains("needs the operator role"), "\(provision.stderr)")

        let listed = try await QonduitBinary.run(["tokens", "list", "--json"] + server)
        let tokens = jsonArray(listed.stdout)
        #expect(tokens.count == 2 && !listed.stdout.contains(viewer) && !listed.stdout.contains(controller.token))
        let mine = try #require(tokens.first { $0["description"] as? String == "wall display" })
        #expect(mine["role"] as? String == "viewer" && mine["expires_at"] is String)
        let id = try #require(mine["id"] as? String)
        #expect(try await QonduitBinary.run(["tokens", "revoke", id] + server).status == 0)
        #expect(try await QonduitBinary.run(["links", "list"] + server, token: viewer).status != 0, "revoked")
        #expect(try await QonduitBinary.run(["tokens", "revoke", "nope"] + server).status != 0)
        let badRole = try await QonduitBinary.run(["tokens", "create", "--role", "god"] + server)
        #expect(badRole.status != 0 && badRole.stderr.contains("--role"))
        let badExpiry = try await QonduitBinary.run(["tokens", "create", "--role", "viewer", "--expires", "soon"] + server)
        #expect(badExpiry.status != 0 && badExpiry.stderr.contains("--expires"))

        let audit = try await QonduitBinary.run(["audit", "--json"] + server)
        let entries = jsonArray(audit.stdout)
        #expect(
            entries.contains {
                $0["action"] as? String == "POST /api/v1/key-paths" && $0["outcome"] as? String == "refused" && $0["status"] as? Int == 403
            })
        #expect(entries.contains { $0["action"] as? String == "DELETE /api/v1/tokens/{id}" && $0["outcome"] as? String == "success" })
        #expect(!audit.stdout.contains(viewer), "no secret in the audit log")
        let refused = jsonArray(try await QonduitBinary.run(["audit", "--outcome", "refused", "--json"] + server).stdout)
        #expect(!refused.isEmpty && refused.allSatisfy { $0["outcome"] as? String == "refused" })
    }

    @Test func agentsAuthenticateBothWaysAndAForgedAgentIsRefused() async throws {
        let metro = try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") }!
        let controller = try await ControllerProcess.start(extraArguments: [
            "--topology", metro.path, "--heartbeat-interval-ms", "200", "--missed-heartbeats", "10",
        ])
        defer { controller.terminate() }
        let server = ["--server", controller.baseURL]
        let fleet = try await AgentFleetProcess.start(controller: controller.baseURL, count: 1, extraArguments: ["--node", "mad-norte"])
        defer { fleet.terminate() }

        // The agent takes nothing from a caller that cannot prove it is the controller.
        let tree = "\(fleet.agents["mad-norte"]!)/data/etsi-qkd-sdn-node:qkd_node"
        let bare = try await HTTPClient.shared.execute(HTTPClientRequest(url: tree), timeout: .seconds(30))
        #expect(bare.status.code == 401)
        var withAdminToken = HTTPClientRequest(url: tree)
        withAdminToken.headers.add(name: "Authorization", value: "Bearer \(controller.token)")
        #expect(try await HTTPClient.shared.execute(withAdminToken, timeout: .seconds(30)).status.code == 401)

        // The controller proves itself: what it provisions lands on the agent.
        let issued = try await QonduitBinary.run(["agents", "credential", "mad-upm"] + server)
        #expect(issued.status == 0 && issued.stdout.hasPrefix("qda_"), "\(issued.stderr)")
        let upmCredential = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let credentials = jsonArray(try await QonduitBinary.run(["agents", "credentials", "--json"] + server).stdout)
        #expect(credentials.count == 2 && credentials.allSatisfy { $0["credential"] == nil })

        // mad-upm's credential cannot register mad-norte's tree.
        let inventory = try SQLiteInventory(path: controller.databasePath)
        let norte = try #require(try await inventory.node("mad-norte").value.qkdnID)
        var forged = HTTPClientRequest(url: "\(controller.baseURL)/southbound/v1/agents?restconf_url=http://127.0.0.1:9/restconf")
        forged.method = .POST
        forged.headers.add(name: "Authorization", value: "Bearer \(upmCredential)")
        forged.headers.add(name: "Content-Type", value: "application/yang-data+xml")
        forged.body = .bytes(ByteBuffer(string: ETSINode(id: norte, status: .operating).encoded()))
        let refused = try await HTTPClient.shared.execute(forged, timeout: .seconds(30))
        #expect(refused.status.code == 403)
        let agents = try await inventory.agents()
        #expect(agents.first { $0.nodeID.rawValue == "mad-norte" }?.restconfURL == fleet.agents["mad-norte"], "the real agent stays registered")
        let audit = jsonArray(
            try await QonduitBinary.run(["audit", "--action", "POST /southbound", "--outcome", "refused", "--json"] + server).stdout)
        #expect(audit.count == 1 && (audit.first?["actor"] as? String)?.hasPrefix("agent:") == true, "\(audit)")

        let credentialID = try #require(credentials.first { $0["node"] as? String == "mad-upm" }?["id"] as? String)
        #expect(try await QonduitBinary.run(["agents", "revoke-credential", credentialID] + server).status == 0)
        #expect(try await QonduitBinary.run(["agents", "credential"] + server).status != 0, "a node or --qkdn-id is needed")
    }
}
