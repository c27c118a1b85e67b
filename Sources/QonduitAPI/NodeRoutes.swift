import Foundation
import Hummingbird
import QonduitCore
import QonduitProvisioning
import QonduitStorage

/// `/api/v1/nodes`: list, create, read, change and delete QKD nodes.
struct NodeRoutes {
    let inventory: any Inventory
    let provisioner: KeyPathProvisioner
    let configuration: APIConfiguration

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get { request, _ in
            let query = try QueryParameters(request, allowed: ["limit", "offset"])
            let page = try await inventory.nodes(
                limit: try query.int("limit", default: 100, in: 1...10_000),
                offset: try query.int("offset", default: 0, in: 0...Int.max)
            )
            return JSONCoding.response(writing: ListRepresentation(items: page.items.map(NodeRepresentation.init), total: page.total))
        }
        group.post { request, _ in
            _ = try QueryParameters(request, allowed: [])
            var request = request
            let body = try await request.decodeJSON(NodeCreateRequest.self, maxBytes: configuration.maxJSONBodyBytes)
            let stored = try await inventory.createNode(try body.node())
            var response = JSONCoding.response(writing: NodeRepresentation(stored: stored), status: .created)
            response.headers[.location] = "/api/v1/nodes/\(stored.value.id)"
            return response
        }
        group.get("{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            return JSONCoding.response(writing: NodeRepresentation(stored: try await inventory.node(try context.parameters.require("id"))))
        }
        // The node's GS QKD 015 tree as its agent last reported it.
        group.get("{id}/etsi") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.require("id")
            guard let tree = try await inventory.agentTree(of: id) else {
                throw Problem(.notFound, detail: "no agent has registered for node '\(id)'")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/yang-data+xml"], body: ResponseBody(byteBuffer: ByteBuffer(string: tree))
            )
        }
        group.patch("{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.require("id")
            var request = request
            let patch = try await request.decodeJSON(NodePatchRequest.self, maxBytes: configuration.maxJSONBodyBytes)
            let checked = try patch.checked()
            // Re-routes the key paths through it before the answer, when that is called for.
            let stored = try await provisioner.changeNode(id) { try patch.apply(to: &$0, checked) }
            return JSONCoding.response(writing: NodeRepresentation(stored: stored))
        }
        group.delete("{id}") { request, context in
            let query = try QueryParameters(request, allowed: ["cascade"])
            try await inventory.deleteNode(try context.parameters.require("id"), cascade: try query.bool("cascade", default: false))
            return Response(status: .noContent)
        }
    }
}

/// `{"items":[…],"total":N}`, the shape of every listing.
struct ListRepresentation<Item: JSONWritable>: JSONWritable {
    var items: [Item]
    var total: Int

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("items")
        writer.array(items) { writer, item in item.write(to: &writer) }
        writer.comma()
        writer.key("total")
        writer.number(total)
        writer.raw("}")
    }
}
