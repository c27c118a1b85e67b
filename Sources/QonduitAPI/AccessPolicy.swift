public import QonduitCore

/// The role each `/api/v1` operation requires. The access-control middleware enforces this table;
/// `openapi.json`, written by hand, states the same roles, and tests check that every route has an
/// entry here and that the document agrees with it.
public enum AccessPolicy {
    /// Operation (`METHOD route`, the route as the router spells it) → least role allowed.
    public static let requiredRoles: [String: Role] = [
        "GET /api/v1/nodes": .viewer,
        "POST /api/v1/nodes": .admin,
        "GET /api/v1/nodes/{id}": .viewer,
        "PATCH /api/v1/nodes/{id}": .admin,
        "DELETE /api/v1/nodes/{id}": .admin,
        "GET /api/v1/nodes/{id}/etsi": .viewer,
        "GET /api/v1/links": .viewer,
        "POST /api/v1/links": .admin,
        "GET /api/v1/links/{id}": .viewer,
        // Setting a link down (maintenance) or up is day-to-day operation, not inventory management.
        "PATCH /api/v1/links/{id}": .operator,
        "DELETE /api/v1/links/{id}": .admin,
        "GET /api/v1/topology": .viewer,
        "GET /api/v1/topology/export": .viewer,
        "POST /api/v1/topology/import": .operator,
        // A what-if question changes nothing.
        "POST /api/v1/paths/compute": .viewer,
        "GET /api/v1/key-paths": .viewer,
        "POST /api/v1/key-paths": .operator,
        "POST /api/v1/key-paths/reoptimize": .operator,
        "GET /api/v1/key-paths/{id}": .viewer,
        "DELETE /api/v1/key-paths/{id}": .operator,
        "GET /api/v1/events": .viewer,
        "GET /api/v1/events/history": .viewer,
        "GET /api/v1/agents": .viewer,
        "POST /api/v1/agents": .admin,
        "GET /api/v1/agents/{node}": .viewer,
        "DELETE /api/v1/agents/{node}": .admin,
        "GET /api/v1/agents/credentials": .admin,
        "POST /api/v1/agents/credentials": .admin,
        "DELETE /api/v1/agents/credentials/{id}": .admin,
        "GET /api/v1/tokens": .admin,
        "POST /api/v1/tokens": .admin,
        "DELETE /api/v1/tokens/{id}": .admin,
        "GET /api/v1/audit": .admin,
        "GET /api/v1/controllers": .viewer,
        // Prometheus scrapes with a viewer's token, unless `serve --metrics-open`.
        "GET /metrics": .viewer,
    ]

    /// Operations under `/api/v1` open to anyone: signing in to the console, which checks what it is
    /// given itself (the token in the body, the session in the cookie).
    public static let openOperations: Set<String> = ["POST /api/v1/session", "GET /api/v1/session", "DELETE /api/v1/session"]

    /// Operations some of whose body fields need more than the operation's role: an operator may set
    /// a link up or down, but its ends, length, key rate, QBER, cost and identity are inventory
    /// management. Enforced by the route (it knows the body), stated in the OpenAPI document.
    public static let requiredFieldRoles: [String: FieldRoles] = [
        "PATCH /api/v1/links/{id}": FieldRoles(role: .admin, except: ["status"])
    ]

    /// The role `method route` requires; an operation missing from the table is admin's alone, so
    /// that a route added without thought is closed rather than open.
    public static func requiredRole(method: String, route: String) -> Role {
        requiredRoles["\(method.uppercased()) \(route)"] ?? .admin
    }
}

/// The role every body field of an operation needs, but `except`, which the operation's own role may set.
public struct FieldRoles: Sendable {
    public var role: Role
    public var except: Set<String>

    /// The fields of `present` that a caller with `callerRole` may not set, in name order.
    public func refused(_ present: some Sequence<String>, for callerRole: Role) -> [String] {
        callerRole.allows(role) ? [] : present.filter { !except.contains($0) }.sorted()
    }
}
