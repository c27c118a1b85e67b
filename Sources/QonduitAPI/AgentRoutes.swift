import Foundation
import Hummingbird
import QonduitCore
import QonduitInventory

/// `GET /api/v1/agents`: the node agents that registered, and whether they are heard from.
struct AgentRoutes {
    let inventory: Inventory

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get { request, _ in
            let query = try QueryParameters(request, allowed: ["limit", "offset"])
            let limit = try query.int("limit", default: 100, in: 1...10_000)
            let offset = try query.int("offset", default: 0, in: 0...Int.max)
            let page = try await inventory.agents(limit: limit, offset: offset)
            return JSONCoding.response(writing: ListRepresentation(items: page.items.map(AgentRepresentation.init), total: page.total))
        }
    }
}

struct AgentRepresentation: JSONWritable {
    var agent: AgentInfo

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("node_id")
        writer.string(agent.nodeID.rawValue)
        writer.comma()
        writer.key("qkdn_id")
        writer.string(agent.qkdnID.text)
        writer.comma()
        // Every agent registers itself today; devices the controller onboards by address will be another kind.
        writer.key("kind")
        writer.string("registered")
        writer.comma()
        writer.key("restconf_url")
        writer.string(agent.restconfURL)
        writer.comma()
        writer.key("state")
        writer.string(agent.state.rawValue)
        writer.comma()
        writer.key("heartbeat_interval_ms")
        writer.number(agent.heartbeatIntervalMs)
        writer.comma()
        writer.key("registered_at")
        writer.date(agent.registeredAt)
        writer.comma()
        writer.key("last_heartbeat_at")
        writer.date(agent.lastSeenAt)
        writer.comma()
        writer.key("reconciled_at")
        if let time = agent.reconciledAt { writer.date(time) } else { writer.raw("null") }
        writer.comma()
        writer.key("drift")
        writer.number(agent.drift)
        writer.comma()
        writer.key("reconcile_error")
        writer.string(agent.reconcileError)
        writer.comma()
        writer.key("credential_id")
        writer.string(agent.credentialID)
        writer.comma()
        writer.key("credential_rotation_pending")
        writer.raw(agent.credentialRotationPending ? "true" : "false")
        writer.comma()
        writer.key("key_pools")
        writer.array(agent.keyPools) { writer, pool in
            writer.raw("{")
            writer.key("link_id")
            writer.string(pool.linkID.rawValue)
            writer.comma()
            writer.key("bits")
            writer.number(Int(pool.bits))
            writer.comma()
            writer.key("reported_at")
            writer.date(pool.reportedAt)
            writer.raw("}")
        }
        writer.raw("}")
    }
}
