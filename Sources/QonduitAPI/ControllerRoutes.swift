import Foundation
import Hummingbird
import QonduitStorage

/// `GET /api/v1/controllers` (viewer): the controllers sharing the inventory, which of them leads,
/// the lease's epoch and expiry.
struct ControllerRoutes {
    let inventory: any Inventory

    /// A controller not heard from for this long is left out (the leader renews every few seconds).
    static let seenWithin = Duration.seconds(60)

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get { request, _ in
            _ = try QueryParameters(request, allowed: [])
            let controllers = try await inventory.controllers(seenWithin: Self.seenWithin)
            return JSONCoding.response(writing: ListRepresentation(items: controllers.map(ControllerRepresentation.init), total: controllers.count))
        }
    }
}

struct ControllerRepresentation: JSONWritable {
    var controller: ControllerInfo

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("id")
        writer.string(controller.id)
        writer.comma()
        writer.key("advertise_url")
        writer.string(controller.advertiseURL)
        writer.comma()
        writer.key("leader")
        writer.bool(controller.leader)
        writer.comma()
        writer.key("epoch")
        if let epoch = controller.epoch { writer.number(Int(epoch)) } else { writer.raw("null") }
        writer.comma()
        writer.key("lease_expires_at")
        writer.string(controller.leaseExpiresAt.map(TimestampText.text))
        writer.comma()
        writer.key("last_seen_at")
        writer.string(TimestampText.text(controller.lastSeenAt))
        writer.raw("}")
    }
}
