import Foundation
import Hummingbird
import HummingbirdTesting
import QonduitAPI
import QonduitControllerTestSupport
import QonduitCore
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import Testing

@Suite struct AccessControlTests {
    /// Every routed operation, with its path's parameters filled in.
    static func operations() throws -> [(method: HTTPRequest.Method, route: String, uri: String)] {
        let inventory = try SQLiteInventory(path: ":memory:")
        let router = NorthboundAPI.router(inventory: inventory, provisioner: provisioner(inventory, ScriptedConfigurator()))
        return router.routes.map { route in
            let path = route.path.description
            return (route.method, path, path.replacingOccurrences(of: "{id}", with: "x"))
        }
    }

    @Test func everyAPIOperationNeedsAValidTokenAndOnlyHealthAndTheDocumentAreOpen() async throws {
        let operations = try Self.operations()
        #expect(operations.count > 25)
        let inventory = try SQLiteInventory(path: ":memory:")
        let snapshot = try await inventory.topology()
        try await withAPI(inventory: inventory, token: nil) { call in
            for (method, route, uri) in operations {
                guard !AccessPolicy.openOperations.contains("\(method.rawValue) \(route)") else { continue }
                let response = try await call(method, uri, "{}")
                if AccessPolicy.requiredRoles["\(method.rawValue) \(route)"] != nil {
                    #expect(response.status == .unauthorized && response.isProblem, "\(method) \(route) answered \(response.status)")
                    #expect(response.detail.contains("Authorization: Bearer"), "\(response.detail)")
                } else {
                    #expect(response.status == .ok, "\(route) is open")
                }
            }
        }
        for bad in ["Bearer qdt_" + String(repeating: "0", count: 64), "Bearer nonsense", "Basic YWRtaW46YWRtaW4=", "bearer"] {
            let app = Application(router: NorthboundAPI.router(inventory: inventory, provisioner: provisioner(inventory, ScriptedConfigurator())))
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/nodes", method: .get, headers: [.authorization: bad]) { response in
                    #expect(response.status == .unauthorized, "\(bad)")
                    #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="qonduit""#)
                }
            }
        }
        let after = try await inventory.topology()
        #expect(after.nodes.isEmpty && snapshot.nodes.isEmpty)
        let refused = try await inventory.audit(.init(outcome: .refused), limit: 1, offset: 0)
        #expect(refused.total >= operations.count - 2, "each refusal is audited")
    }

    @Test(arguments: [Role.viewer, .operator])
    func aRoleMayDoWhatThePolicyAllowsAndIsForbiddenTheRest(_ role: Role) async throws {
        let operations = try Self.operations().filter {
            ($0.route.hasPrefix("/api/v1") || $0.route == "/metrics") && !AccessPolicy.openOperations.contains("\($0.method.rawValue) \($0.route)")
        }
        let inventory = try SQLiteInventory(path: ":memory:")
        try await withAPI(inventory: inventory, role: role) { call in
            for (method, route, uri) in operations {
                let required = try #require(AccessPolicy.requiredRoles["\(method.rawValue) \(route)"], "\(method) \(route) is in the policy table")
                guard route != "/api/v1/events" else { continue }  // a stream: its access is checked before it starts, as below
                let response = try await call(method, uri, "{}")
                if role.allows(required) {
                    #expect(response.status != .forbidden && response.status != .unauthorized, "\(role) may \(method) \(route): \(response.text)")
                } else {
                    #expect(response.status == .forbidden && response.isProblem, "\(role) may not \(method) \(route): \(response.status)")
                    #expect(response.detail.contains("needs the \(required.rawValue) role"), "\(response.detail)")
                }
            }
        }
        let forbidden = try await inventory.audit(.init(outcome: .refused), limit: 1_000, offset: 0).items
        #expect(forbidden.allSatisfy { $0.status == 403 && $0.role == role.rawValue })
    }

    @Test func tokensAreCreatedShownOnceListedWithoutSecretsAndRevoked() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        try await withAPI(inventory: inventory, role: .admin) { call in
            let created = try await call(.post, "/api/v1/tokens", #"{"role":"viewer","description":"dashboard"}"#)
            #expect(created.status == .created, "\(created.text)")
            let secret = try #require(created.json["token"] as? String)
            let id = try #require(created.json["id"] as? String)
            #expect(secret.hasPrefix("qdt_") && secret.count == 68)
            #expect(created.json["created_by"] as? String != nil)
            let listed = try await call(.get, "/api/v1/tokens", nil)
            #expect(!listed.text.contains(secret) && !listed.text.contains("\"token\""), "secrets are never listed")
            // The inventory keeps a hash only.
            for token in try await inventory.apiTokens() { #expect(!"\(token)".contains(secret)) }

            try await withAPI(inventory: inventory, token: secret) { (viewer: @escaping APICall) async throws in
                #expect(try await viewer(.get, "/api/v1/nodes", nil).status == .ok)
                #expect(try await viewer(.post, "/api/v1/tokens", #"{"role":"admin"}"#).status == .forbidden, "no escalation")
            }
            #expect(try await call(.delete, "/api/v1/tokens/\(id)", nil).status == .noContent)
            #expect(try await call(.delete, "/api/v1/tokens/\(id)", nil).status == .noContent, "revoking twice changes nothing")
            #expect(try await call(.delete, "/api/v1/tokens/nope", nil).status == .notFound)
            try await withAPI(inventory: inventory, token: secret) { (revoked: @escaping APICall) async throws in
                #expect(try await revoked(.get, "/api/v1/nodes", nil).status == .unauthorized)
            }
        }
    }

    @Test(arguments: [
        (#"{"role":"root"}"#, "/role"),
        (#"{"role":"viewer","expires_at":"tomorrow"}"#, "/expires_at"),
        (#"{"role":"viewer","expires_at":"2001-01-01T00:00:00Z"}"#, "/expires_at"),
        (#"{"role":"viewer","description":""}"#, "/description"),
        (#"{"role":"viewer","secret":"x"}"#, "/secret"),
        (#"{"role":7}"#, "/role"),
        (#"{}"#, "/role"),
    ])
    func badTokenRequestsAreRefusedNamingTheField(_ body: String, _ pointer: String) async throws {
        try await withAPI { call in
            let response = try await call(.post, "/api/v1/tokens", body)
            #expect((400..<500).contains(Int(response.status.code)) && response.isProblem, "\(response.text)")
            #expect(response.errors.contains { $0["pointer"] as? String == pointer }, "\(response.text)")
        }
    }

    @Test func anExpiredTokenIsRefused() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let (_, current) = try await inventory.createAPIToken(
            role: .admin, description: nil, expiresAt: Date().addingTimeInterval(3_600), createdBy: nil)
        let (_, expired) = try await inventory.createAPIToken(
            role: .admin, description: nil, expiresAt: Date().addingTimeInterval(-1), createdBy: nil)
        try await withAPI(inventory: inventory, token: current.text) { (call: @escaping APICall) async throws in
            #expect(try await call(.get, "/api/v1/nodes", nil).status == .ok)
        }
        try await withAPI(inventory: inventory, token: expired.text) { (call: @escaping APICall) async throws in
            let late = try await call(.get, "/api/v1/nodes", nil)
            #expect(late.status == .unauthorized && late.detail.contains("expired"), "\(late.text)")
        }
    }

    @Test func everyChangeIsAuditedWithWhoWhatAndHowItEnded() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let (admin, secret) = try await inventory.createAPIToken(role: .admin, description: nil, expiresAt: nil, createdBy: nil)
        try await withAPI(inventory: inventory, token: secret.text) { call in
            #expect(try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#).status == .created)
            #expect(try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#).status == .conflict)
            #expect(try await call(.get, "/api/v1/nodes", nil).status == .ok)
            #expect(try await call(.delete, "/api/v1/nodes/a", nil).status == .noContent)
            let log = try await call(.get, "/api/v1/audit", nil)
            let items = try #require(log.json["items"] as? [[String: Any]], "\(log.text)")
            #expect(
                items.map { $0["action"] as? String } == ["DELETE /api/v1/nodes/{id}", "POST /api/v1/nodes", "POST /api/v1/nodes"],
                "reads are not changes")
            #expect(items.allSatisfy { $0["actor"] as? String == "token:\(admin.id)" && $0["role"] as? String == "admin" })
            #expect(items.map { $0["outcome"] as? String } == ["success", "failed", "success"])
            #expect((items[1]["detail"] as? String)?.contains("already exists") == true)
            #expect(items[0]["target"] as? String == "/api/v1/nodes/a")
            #expect(!log.text.contains(secret.text))

            let failed = try await call(.get, "/api/v1/audit?outcome=failed", nil)
            #expect(failed.json["total"] as? Int == 1)
            let deletes = try await call(.get, "/api/v1/audit?action=DELETE", nil)
            #expect(deletes.json["total"] as? Int == 1)
            let future = try await call(.get, "/api/v1/audit?since=2999-01-01T00:00:00Z", nil)
            #expect(future.json["total"] as? Int == 0)
            let mine = try await call(.get, "/api/v1/audit?actor=token:\(admin.id)&limit=1", nil)
            #expect(mine.json["total"] as? Int == 3 && (mine.json["items"] as? [Any])?.count == 1)
            for bad in ["?outcome=maybe", "?since=yesterday", "?limit=0", "?who=me"] {
                let response = try await call(.get, "/api/v1/audit\(bad)", nil)
                #expect(response.status == .badRequest && response.isProblem, "\(bad): \(response.text)")
            }
        }
    }

    @Test func theAuditLogKeepsTheLatestEntriesUpToItsRetention() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        try await inventory.appendAudit(
            (1...5).map { AuditEntry(actor: "token:t", role: "admin", action: "POST /api/v1/nodes", target: "/\($0)", status: 201) })
        try await inventory.setAuditRetention(3)
        #expect(try await inventory.audit(.init(), limit: 10, offset: 0).items.map(\.target) == ["/5", "/4", "/3"])
        try await inventory.appendAudit([AuditEntry(actor: "token:t", role: "admin", action: "DELETE /api/v1/nodes/{id}", target: "/6", status: 204)])
        #expect(try await inventory.audit(.init(), limit: 10, offset: 0).items.map(\.target) == ["/6", "/5", "/4"])
    }

    @Test func agentCredentialsAreIssuedForANodeOrAnIdentityAndShownOnce() async throws {
        try await withAPI { call in
            #expect(try await call(.post, "/api/v1/nodes", #"{"id":"a"}"#).status == .created)
            let issued = try await call(.post, "/api/v1/agents/credentials", #"{"node":"a"}"#)
            #expect(issued.status == .created && issued.json["node"] as? String == "a", "\(issued.text)")
            let secret = try #require(issued.json["credential"] as? String)
            #expect(secret.hasPrefix("qda_"))
            let forIdentity = try await call(.post, "/api/v1/agents/credentials", #"{"qkdn_id":"DDDDDDDD-0000-4000-8000-00000000000D"}"#)
            #expect(forIdentity.status == .created && forIdentity.json["qkdn_id"] as? String == "dddddddd-0000-4000-8000-00000000000d")
            #expect(forIdentity.json["node"] is NSNull)
            let listed = try await call(.get, "/api/v1/agents/credentials", nil)
            #expect(listed.json["total"] as? Int == 2 && !listed.text.contains(secret))
            #expect(try await call(.get, "/api/v1/agents/credentials?node=a", nil).json["total"] as? Int == 1)
            #expect(try await call(.get, "/api/v1/agents/credentials?node=zz", nil).status == .notFound)
            for bad in [
                #"{}"#, #"{"node":"a","qkdn_id":"dddddddd-0000-4000-8000-00000000000d"}"#, #"{"qkdn_id":"x"}"#, #"{"node":"zz"}"#, #"{"nod":"a"}"#,
            ] {
                let response = try await call(.post, "/api/v1/agents/credentials", bad)
                #expect((400..<500).contains(Int(response.status.code)) && response.isProblem, "\(bad): \(response.text)")
            }
            #expect(try await call(.delete, "/api/v1/agents/credentials/nope", nil).status == .notFound)
        }
    }
}

@Suite struct MethodNotAllowedTests {
    @Test func aKnownPathUnderAnotherMethodIs405WithAllow() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let token = try await inventory.createAPIToken(role: .admin, description: nil, expiresAt: nil, createdBy: nil).1.text
        let app = Application(router: NorthboundAPI.router(inventory: inventory, provisioner: provisioner(inventory, ScriptedConfigurator())))
        try await app.test(.router) { client in
            for (method, path, allow) in [
                (HTTPRequest.Method.trace, "/api/v1/nodes", "GET, POST"), (.put, "/api/v1/nodes/a", "DELETE, GET, PATCH"),
                (.get, "/api/v1/key-paths/reoptimize", "POST"), (.delete, "/healthz", "GET"),
                (.trace, "/api/v1/session", "DELETE, GET, POST"), (.post, "/metrics", "GET"),
            ] {
                try await client.execute(uri: path, method: method, headers: [.authorization: "Bearer \(token)"]) { response in
                    #expect(response.status == .methodNotAllowed && response.headers[.allow] == allow, "\(method) \(path): \(response.status)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
            try await client.execute(uri: "/api/v1/nodes/zz", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .notFound && String(buffer: response.body).contains("no node with id 'zz'"), "the handler's own 404")
            }
            try await client.execute(uri: "/api/v1/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
