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
            let existingNodes = try NodeRecord.fetchAll(db).map(\.node)
            let existingLinks = try LinkRecord.fetchAll(db).map(\.link)
            let planned = try PlannedImport(
                draft, file: file, mode: mode, fiberModel: fiberModel, existingNodes: existingNodes, existingLinks: existingLinks,
                heldDown: try Self.heldDownLinks(db))
            let moving = planned.movingIdentities(existingNodes: existingNodes, existingLinks: existingLinks)
            for node in moving.nodes {
                try db.execute(sql: "UPDATE node SET qkdn_id = ? WHERE id = ?", arguments: [QKDUUID.random().text, node.rawValue])
            }
            for link in moving.links {
                try db.execute(sql: "UPDATE link SET qkdl_id = ? WHERE id = ?", arguments: [QKDUUID.random().text, link.rawValue])
            }
            try Self.apply(planned.plan, db)
            for change in planned.statusChanges(existingNodes: existingNodes, existingLinks: existingLinks) {
                try Self.logEvent(change.kind, subject: change.subject, data: change.eventData, db)
            }
            if let data = planned.eventData(file: file) { try Self.logEvent(.topologyImported, subject: file, data: data, db) }
            return planned.summary
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
}
