import Foundation
import Hummingbird
import QonduitStorage

/// `GET /api/v1/audit` (admin): the audit log, newest first, with filters.
struct AuditRoutes {
    let inventory: any Inventory

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get { request, _ in
            let query = try QueryParameters(request, allowed: ["limit", "offset", "actor", "outcome", "action", "since", "until"])
            if let actor = query.string("actor"), !AuditActor.isWellFormed(actor) {
                throw Problem(
                    .badRequest, detail: "?actor must be token:ID or agent:ID (a 16-digit hexadecimal id) or anonymous, got '\(actor)'",
                    errors: [.init(pointer: "?actor", message: "not an actor the audit log names")])
            }
            var filter = AuditFilter(actor: query.string("actor"), actionPrefix: query.string("action"))
            if query.string("outcome") != nil { filter.outcome = try query.choice("outcome", default: AuditEntry.Outcome.success) }
            for name in ["since", "until"] {
                guard let text = query.string(name) else { continue }
                guard let date = TimestampText.date(text) else {
                    throw Problem(
                        .badRequest, detail: "?\(name) must be an ISO 8601 time such as 2027-01-31T12:00:00Z, got '\(text)'",
                        errors: [.init(pointer: "?\(name)", message: "not an ISO 8601 time")])
                }
                // The log's own format, so that text order is time order.
                let normalized = TimestampText.text(date)
                if name == "since" { filter.since = normalized } else { filter.until = normalized }
            }
            let page = try await inventory.audit(
                filter, limit: try query.int("limit", default: 100, in: 1...10_000), offset: try query.int("offset", default: 0, in: 0...Int.max)
            )
            return JSONCoding.response(writing: ListRepresentation(items: page.items.map(AuditRepresentation.init), total: page.total))
        }
    }
}

struct AuditRepresentation: JSONWritable {
    var entry: AuditEntry

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("id")
        writer.number(Int(entry.id))
        writer.comma()
        writer.key("time")
        writer.string(entry.time)
        writer.comma()
        writer.key("actor")
        writer.string(entry.actor)
        writer.comma()
        writer.key("role")
        writer.string(entry.role)
        writer.comma()
        writer.key("action")
        writer.string(entry.action)
        writer.comma()
        writer.key("target")
        writer.string(entry.target)
        writer.comma()
        writer.key("status")
        writer.number(entry.status)
        writer.comma()
        writer.key("outcome")
        writer.string(entry.outcome.rawValue)
        writer.comma()
        writer.key("detail")
        writer.string(entry.detail)
        writer.raw("}")
    }
}
