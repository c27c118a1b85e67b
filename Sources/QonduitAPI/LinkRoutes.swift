import Foundation
import Hummingbird
import QonduitCore
import QonduitProvisioning
import QonduitStorage

/// `/api/v1/links`: list, create, read, change and delete QKD links.
struct LinkRoutes {
    let inventory: any Inventory
    let provisioner: KeyPathProvisioner
    let configuration: APIConfiguration

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get { request, _ in
            let query = try QueryParameters(request, allowed: ["limit", "offset"])
            let state = try await inventory.linkOperationalState()
            let page = try await inventory.links(
                limit: try query.int("limit", default: 100, in: 1...10_000),
                offset: try query.int("offset", default: 0, in: 0...Int.max)
            )
            return JSONCoding.response(
                writing: ListRepresentation(items: page.items.map { LinkRepresentation(stored: $0, state: state) }, total: page.total))
        }
        group.post { request, _ in
            _ = try QueryParameters(request, allowed: [])
            var request = request
            let body = try await request.decodeJSON(LinkCreateRequest.self, maxBytes: configuration.maxJSONBodyBytes)
            let stored = try await inventory.createLink(try body.link())
            var response = JSONCoding.response(writing: LinkRepresentation(stored: stored, state: LinkOperationalState()), status: .created)
            response.headers[.location] = "/api/v1/links/\(stored.value.id)"
            return response
        }
        group.get("{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let stored = try await inventory.link(try context.parameters.require("id"))
            return JSONCoding.response(writing: LinkRepresentation(stored: stored, state: try await inventory.linkOperationalState()))
        }
        group.patch("{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            let id = try context.parameters.require("id")
            var request = request
            let patch = try await request.decodeJSON(LinkPatchRequest.self, maxBytes: configuration.maxJSONBodyBytes)
            if let caller = context.caller, let fieldRoles = AccessPolicy.requiredFieldRoles["PATCH /api/v1/links/{id}"] {
                let refused = fieldRoles.refused(patch.presentFields, for: caller.role)
                if !refused.isEmpty {
                    throw Problem(
                        .forbidden,
                        detail: "setting \(refused.joined(separator: ", ")) needs the \(fieldRoles.role.rawValue) role; "
                            + "this token has \(caller.role.rawValue), which may set only \(fieldRoles.except.sorted().joined(separator: ", "))")
                }
            }
            let checked = try patch.checked()
            // Re-routes the key paths it affects before the answer, when that is called for.
            let stored = try await provisioner.changeLink(id) { patch.apply(to: &$0, checked) }
            return JSONCoding.response(writing: LinkRepresentation(stored: stored, state: try await inventory.linkOperationalState()))
        }
        group.delete("{id}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            try await inventory.deleteLink(try context.parameters.require("id"))
            return Response(status: .noContent)
        }
    }
}
