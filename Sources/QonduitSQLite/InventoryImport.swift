import Foundation
import GRDB
public import QonduitCore
public import QonduitStorage
public import QonduitTopology

/// Topology import: a file's nodes and links merged into (or replacing) the inventory, all or nothing.
extension SQLiteInventory {
    /// Imports a drafted topology file, all or nothing.
    ///
    /// The draft is assembled inside the write transaction, so that links may reference nodes the
    /// inventory already has (when merging) and the checks and the writes see the same state.
    public func importTopology(
        _ draft: TopologyDraft, file: String, mode: ImportMode, fiberModel: FiberLinkModel = .standard
    ) async throws -> ImportSummary {
        try await write { db in
            let existingNodes = try NodeRecord.fetchAll(db)
            let existingLinks = try LinkRecord.fetchAll(db)
            var known: [NodeID: GeoCoordinate?] = [:]
            if mode == .merge {
                for record in existingNodes { known[record.node.id] = .some(record.node.location) }
            }
            let assembled: AssembledTopology
            do throws(TopologyFileError) {
                assembled = try TopologyAssembler(fiberModel: fiberModel, knownNodes: known).assemble(draft, file: file)
            } catch {
                throw NetworkError.topology(error)
            }
            let plan = ImportPlan(
                existingNodes: Dictionary(existingNodes.map { ($0.node.id, $0.node) }, uniquingKeysWith: { a, _ in a }),
                existingLinks: Dictionary(existingLinks.map { ($0.link.id, $0.link) }, uniquingKeysWith: { a, _ in a }),
                incoming: assembled.topology, mode: mode, unstatedStatus: assembled.unstatedStatus,
                heldDown: try Self.heldDownLinks(db)
            )
            try Self.checkIdentities(plan, existingNodes: existingNodes, existingLinks: existingLinks)
            try Self.releaseMovingIdentities(plan, existingNodes: existingNodes, existingLinks: existingLinks, db)
            try Self.apply(plan, db)
            try Self.logStatusChanges(plan, existingNodes: existingNodes, existingLinks: existingLinks, db)
            let lines = Dictionary(draft.links.compactMap { link in link.id.map { ($0, link.line) } }, uniquingKeysWith: { a, _ in a })
            let held = plan.keptDown.map { id in
                TopologyIssue(
                    line: lines[id.rawValue], subject: "link '\(id)'",
                    message: "an operator holds it down (maintenance): it stays down until set up (qonduit links set \(id) --status up)")
            }
            var summary = ImportSummary(format: assembled.format, mode: mode, warnings: assembled.warnings + held)
            summary.nodes = .init(
                created: plan.nodes.created.count, updated: plan.nodes.updated.count,
                unchanged: plan.nodes.unchanged.count, removed: plan.nodes.removed.count
            )
            summary.links = .init(
                created: plan.links.created.count, updated: plan.links.updated.count,
                unchanged: plan.links.unchanged.count, removed: plan.links.removed.count
            )
            // One event for the whole import (not one per row: a file may hold tens of thousands).
            let changes = [("nodes", summary.nodes), ("links", summary.links)].flatMap { table, counts in
                [("\(table)_created", counts.created), ("\(table)_updated", counts.updated), ("\(table)_removed", counts.removed)]
            }
            if changes.contains(where: { $0.1 > 0 }) {
                try Self.logEvent(
                    .topologyImported, subject: file,
                    data: [("file", JSONText.string(file)), ("mode", JSONText.string(mode.rawValue))] + changes.map { ($0.0, String($0.1)) }, db)
            }
            return summary
        }
    }

    /// Writes an import plan with prepared statements: imports of tens of thousands of rows are the
    /// common case, and per-row record encoding would dominate their time.
    private static func apply(
        _ plan: ImportPlan, _ db: Database
    ) throws {
        let now = Self.now().databaseValue  // formatted once, not once per row
        let upsertNode = try db.cachedStatement(
            sql: """
                INSERT INTO node (id, name, trusted, latitude, longitude, site, status, admin_status, measured_status, qkdn_id,
                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, trusted = excluded.trusted,
                    latitude = excluded.latitude, longitude = excluded.longitude, site = excluded.site,
                    status = excluded.status, admin_status = excluded.admin_status, measured_status = excluded.measured_status,
                    qkdn_id = excluded.qkdn_id, updated_at = excluded.updated_at
                """)
        // The plan carries over what agents measured (ImportPlan), so writing a link's every column
        // keeps its measurements and puts in force what they and the file's values make.
        let upsertLink = try db.cachedStatement(sql: Self.upsertLinkSQL)
        // The plan carries the identities rows already have; new rows without one get a fresh one.
        func write(_ node: QKDNode) throws {
            upsertNode.setUncheckedArguments([
                node.id.rawValue, node.name, node.trusted, node.location?.latitude, node.location?.longitude,
                node.site, node.current.rawValue, node.status.rawValue, node.measuredStatus?.rawValue, (node.qkdnID ?? .random()).text,
                now, now,
            ])
            try upsertNode.execute()
        }
        func write(_ link: QKDLink) throws {
            var identified = link
            if identified.qkdlID == nil { identified.qkdlID = .random() }
            upsertLink.setUncheckedArguments(StatementArguments(LinkRecord.values(of: identified) + [now, now]))
            try upsertLink.execute()
        }
        // Removals go first, links before nodes: a removed node has no link left in the file, and a
        // GS QKD 015 identity it gives up may pass to a node the file creates.
        for node in plan.nodes.removed { try refuseIfReserved(node: node.rawValue, links: [], db) }
        for link in plan.links.removed { try refuseIfReserved(node: nil, links: [link.rawValue], db) }
        _ = try LinkRecord.deleteAll(db, keys: plan.links.removed.map(\.rawValue))
        _ = try NodeRecord.deleteAll(db, keys: plan.nodes.removed.map(\.rawValue))
        // An update keeps the row's created_at: the upsert's conflict clause does not touch it.
        for node in plan.nodes.created + plan.nodes.updated { try write(node) }
        for link in plan.links.created + plan.links.updated { try write(link) }
    }

    /// Logs the status in force of each node and link the import updated, where it changed.
    private static func logStatusChanges(_ plan: ImportPlan, existingNodes: [NodeRecord], existingLinks: [LinkRecord], _ db: Database) throws {
        let nodes = Dictionary(existingNodes.map { ($0.node.id, $0.node.current) }, uniquingKeysWith: { a, _ in a })
        let links = Dictionary(existingLinks.map { ($0.link.id, $0.link.current.status) }, uniquingKeysWith: { a, _ in a })
        for node in plan.nodes.updated {
            if let old = nodes[node.id] { try logStatusChange(of: node.id, from: old, to: node.current, db) }
        }
        for link in plan.links.updated {
            if let old = links[link.id] { try logStatusChange(of: link.id, from: old, to: link.current.status, db) }
        }
    }

    /// Inserts a link, or updates every column of it but `created_at` (`LinkRecord.valueColumns`).
    private static let upsertLinkSQL: String = {
        let columns = LinkRecord.valueColumns
        return """
            INSERT INTO link (\(columns.joined(separator: ", ")), created_at, updated_at)
            VALUES (\(Array(repeating: "?", count: columns.count + 2).joined(separator: ", ")))
            ON CONFLICT (id) DO UPDATE SET \(columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")),
                updated_at = excluded.updated_at
            """
    }()

    /// Refuses an import that would give a GS QKD 015 identity to a second node or link.
    private static func checkIdentities(_ plan: ImportPlan, existingNodes: [NodeRecord], existingLinks: [LinkRecord]) throws {
        func check<ID: Hashable>(_ incoming: [(ID, QKDUUID?)], existing: [(ID, QKDUUID?)], removed: Set<ID>, name: (ID) -> String) throws {
            var holders: [QKDUUID: ID] = [:]
            let incomingIDs = Set(incoming.map(\.0))
            // Rows the import rewrites or removes give up their identity.
            for (id, uuid) in existing where !removed.contains(id) && !incomingIDs.contains(id) { if let uuid { holders[uuid] = id } }
            for (id, uuid) in incoming {
                guard let uuid else { continue }
                if let holder = holders[uuid], holder != id { throw NetworkError.identityInUse(uuid, holder: name(holder)) }
                holders[uuid] = id
            }
        }
        try check(
            (plan.nodes.created + plan.nodes.updated).map { ($0.id, $0.qkdnID) },
            existing: existingNodes.map { ($0.node.id, $0.node.qkdnID) }, removed: Set(plan.nodes.removed), name: \.rawValue)
        try check(
            (plan.links.created + plan.links.updated).map { ($0.id, $0.qkdlID) },
            existing: existingLinks.map { ($0.link.id, $0.link.qkdlID) }, removed: Set(plan.links.removed), name: \.rawValue)
    }

    /// Rows whose GS QKD 015 identity the import changes first take a throw-away one, so that
    /// identities may move between rows (even swap) without a moment where two rows hold one.
    private static func releaseMovingIdentities(
        _ plan: ImportPlan, existingNodes: [NodeRecord], existingLinks: [LinkRecord], _ db: Database
    ) throws {
        let nodeIdentities = Dictionary(existingNodes.map { ($0.node.id, $0.node.qkdnID) }, uniquingKeysWith: { a, _ in a })
        let linkIdentities = Dictionary(existingLinks.map { ($0.link.id, $0.link.qkdlID) }, uniquingKeysWith: { a, _ in a })
        for node in plan.nodes.updated where nodeIdentities[node.id] != node.qkdnID {
            try db.execute(sql: "UPDATE node SET qkdn_id = ? WHERE id = ?", arguments: [QKDUUID.random().text, node.id.rawValue])
        }
        for link in plan.links.updated where linkIdentities[link.id] != link.qkdlID {
            try db.execute(sql: "UPDATE link SET qkdl_id = ? WHERE id = ?", arguments: [QKDUUID.random().text, link.id.rawValue])
        }
    }
}
