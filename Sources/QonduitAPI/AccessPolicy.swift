public import QonduitCore

/// The role each `/api/v1` operation requires. The access-control middleware enforces it and the
/// OpenAPI document states it, both from this one table; a test checks every route has an entry.
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
        "GET /api/v1/agents": .viewer,
        "GET /api/v1/agents/credentials": .admin,
        "POST /api/v1/agents/credentials": .admin,
        "DELETE /api/v1/agents/credentials/{id}": .admin,
        "GET /api/v1/tokens": .admin,
        "POST /api/v1/tokens": .admin,
        "DELETE /api/v1/tokens/{id}": .admin,
        "GET /api/v1/audit": .admin,
    ]

    /// The role `method route` requires; an operation missing from the table is admin's alone, so
    /// that a route added without thought is closed rather than open.
    public static func requiredRole(method: String, route: String) -> Role {
        requiredRoles["\(method.uppercased()) \(route)"] ?? .admin
    }
}
