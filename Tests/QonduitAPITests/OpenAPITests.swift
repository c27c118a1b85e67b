import Foundation
import Hummingbird
import QonduitAPI
import QonduitControllerTestSupport
import QonduitCore
import QonduitSQLite
import QonduitStorage
import QonduitTestSupport
import Testing

@Suite struct OpenAPITests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let router = NorthboundAPI.router(inventory: inventory, provisioner: provisioner(inventory, ScriptedConfigurator()))
        let routed = Set(router.routes.map { "\($0.method.rawValue.lowercased()) \($0.path.description)" })
        let documented: Set<String> = try await withAPI { call in
            let document = try await call(.get, "/openapi.json", nil).json
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, item) in paths {
                for method in item.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    documented.insert("\(method) \(path)")
                }
            }
            return documented
        }
        #expect(routed == documented, "routed only: \(routed.subtracting(documented)); documented only: \(documented.subtracting(routed))")
    }

    @Test func eachOperationStatesTheRoleTheAccessControlEnforces() async throws {
        let inventory = try SQLiteInventory(path: ":memory:")
        let router = NorthboundAPI.router(inventory: inventory, provisioner: provisioner(inventory, ScriptedConfigurator()))
        let routed = Set(
            router.routes.filter { $0.path.description.hasPrefix("/api/v1") || $0.path.description == "/metrics" }
                .map { "\($0.method.rawValue) \($0.path.description)" }
        ).subtracting(AccessPolicy.openOperations)
        #expect(Set(AccessPolicy.requiredRoles.keys) == routed, "the policy table lists exactly the /api/v1 operations, and metrics")
        try await withAPI { call in
            let document = try await call(.get, "/openapi.json", nil).json
            let schemes = (document["components"] as? [String: Any])?["securitySchemes"] as? [String: [String: Any]]
            #expect(schemes?["bearerAuth"]?["scheme"] as? String == "bearer")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            for (path, item) in paths {
                for (method, value) in item {
                    guard let operation = value as? [String: Any], ["get", "post", "put", "patch", "delete"].contains(method) else { continue }
                    let responses = operation["responses"] as? [String: Any] ?? [:]
                    if let role = AccessPolicy.requiredRoles["\(method.uppercased()) \(path)"] {
                        #expect(operation["x-required-role"] as? String == role.rawValue, "\(method) \(path)")
                        let fields = operation["x-required-role-for-fields"] as? [String: Any]
                        if let expected = AccessPolicy.requiredFieldRoles["\(method.uppercased()) \(path)"] {
                            #expect(
                                fields?["role"] as? String == expected.role.rawValue && fields?["except"] as? [String] == expected.except.sorted())
                        } else {
                            #expect(fields == nil, "\(method) \(path)")
                        }
                        #expect(operation["security"] != nil && responses["401"] != nil, "\(method) \(path)")
                        #expect((responses["403"] != nil) == (role != .viewer), "\(method) \(path)")
                    } else {
                        #expect(operation["security"] == nil, "\(path) is open")
                    }
                }
            }
        }
    }

    @Test func theDocumentIsAValidOpenAPIDocument() async throws {
        let text = try await withAPI { call in try await call(.get, "/openapi.json", nil).text }
        let file = URL(fileURLWithPath: TestFiles.path("openapi", suffix: ".json"))
        try text.write(to: file, atomically: true, encoding: .utf8)
        let python = try #require(ProcessRunner.which("python3"))
        let result = try await ProcessRunner.run(python, ["-m", "openapi_spec_validator", file.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}

/// One list of event kinds (`EventKind`): the document, the stream's filter and the console say the same.
@Suite struct EventKindAgreementTests {
    @Test func theDocumentTheStreamAndTheConsoleNameEveryKindAndNoOther() async throws {
        let kinds = EventKind.allCases.map(\.rawValue)
        try await withAPI { call in
            let document = try await call(.get, "/openapi.json", nil).json
            let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]]
            let kindSchema = (schemas?["Event"]?["properties"] as? [String: [String: Any]])?["kind"]
            #expect(kindSchema?["enum"] as? [String] == kinds, "the Event schema's kind enum")
            let operation = ((document["paths"] as? [String: Any])?["/api/v1/events"] as? [String: Any])?["get"] as? [String: Any]
            let parameter = (operation?["parameters"] as? [[String: Any]])?.first { $0["name"] as? String == "kind" }
            let described = try #require(parameter?["description"] as? String)
            let known = described.components(separatedBy: "Known: ").last?.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
            #expect(known?.components(separatedBy: ", ") == EventKind.filters, "the kind parameter lists every filter: \(described)")

            // The stream takes every filter and refuses anything else.
            for filter in EventKind.filters {
                #expect(try await call(.get, "/api/v1/events?kind=\(filter)&follow=false", nil).status == .ok, "\(filter)")
            }
            #expect(try await call(.get, "/api/v1/events?kind=key_paths&follow=false", nil).status == .badRequest)

            let script = try String(
                contentsOf: RepositoryPaths.root.appendingPathComponent("Sources/QonduitAPI/Console/events.js"), encoding: .utf8)
            let list = try #require(script.firstMatch(of: #/knownKinds = new Set\(\[(?<list>[^\]]*)\]/#)?.output.list)
            let console = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: ["'"]) }
                .filter { !$0.isEmpty }
            #expect(console == kinds + ["gap"], "the console's known kinds (and the stream's gap): \(console)")
        }
    }
}
