import GRDB
import QonduitCore
public import QonduitStorage

extension SQLiteInventory {
    public func census() async throws -> NetworkCensus {
        try await database.read { db in
            var keyPaths = Dictionary(uniqueKeysWithValues: KeyPathState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM key_path GROUP BY state") {
                if let state = KeyPathState(rawValue: row["state"]) { keyPaths[state] = row["n"] }
            }
            var links = Dictionary(uniqueKeysWithValues: LinkStatus.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM link GROUP BY status") {
                if let status = LinkStatus(rawValue: row["status"]) { links[status] = row["n"] }
            }
            var agents: [NetworkCensus.AgentKindAndState: Int] = [:]
            for kind in ["registered", "onboarded"] {
                for state in AgentState.allCases { agents[.init(kind: kind, state: state)] = 0 }
            }
            for row in try Row.fetchAll(db, sql: "SELECT kind, state, count(*) AS n FROM agent GROUP BY kind, state") {
                if let state = AgentState(rawValue: row["state"]) { agents[.init(kind: row["kind"], state: state)] = row["n"] }
            }
            let keyRate = try Double.fetchOne(db, sql: "SELECT coalesce(sum(key_rate_bps), 0) FROM link WHERE status = 'up'") ?? 0
            let reserved = try Double.fetchOne(db, sql: "SELECT coalesce(sum(reserved_bps), 0) FROM link") ?? 0
            return NetworkCensus(keyPaths: keyPaths, links: links, keyRateBps: keyRate, reservedBps: reserved, agents: agents)
        }
    }
}
