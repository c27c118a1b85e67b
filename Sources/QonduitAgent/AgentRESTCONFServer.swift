import Foundation
public import Hummingbird
public import QonduitCore
import QonduitETSI

/// The agent's RESTCONF interface (RFC 8040, XML) over its node's `etsi-qkd-sdn-node` tree, and
/// a small fault-injection API under `/agent/v1`.
public enum AgentRESTCONFServer {
    static let mediaType = "application/yang-data+xml"
    static let root = "/restconf/data/etsi-qkd-sdn-node:qkd_node"

    /// With a `credential`, RESTCONF requests must carry the controller's proof for it (a bearer
    /// token); without one (a bare simulator, in tests), anyone may configure the node.
    public static func router(
        for node: SimulatedNode, credential: AccessSecret? = nil, maxDocumentBytes: Int = 1 << 20, maxContainerBytes: Int = 64 << 20
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let restconf = router.group()
        if let credential { restconf.add(middleware: ControllerProofMiddleware(expected: credential.controllerProof)) }
        restconf.get(RouterPath(root)) { _, _ in
            try await delayed(node) { xml(await node.tree.encoded()) }
        }
        restconf.get("\(root)/qkd_links/{entry}") { _, context in
            try await delayed(node) {
                let id = try key(context, list: "qkd_link")
                guard let link = await node.tree.links.first(where: { $0.id == id }) else { return missing("no qkd_link \(id)") }
                return xml(link.encodedEntry(.all))
            }
        }
        for method in [HTTPRequest.Method.put, .post, .patch] {
            restconf.on("\(root)/qkd_links/{entry}", method: method) { request, context in
                try await delayed(node) {
                    let id = try key(context, list: "qkd_link")
                    var request = request
                    let body = try await request.collectBody(upTo: maxDocumentBytes)
                    let link: ETSILink
                    do throws(ETSIDecodingError) { link = try ETSILink.decodeEntry(body.readableBytesView) } catch {
                        return refuse(RESTCONFErrors(error), status: .badRequest)
                    }
                    guard link.id == id else {
                        return refuse(
                            .init([.init(tag: "invalid-value", message: "the body's qkdl_id \(link.id) is not the URL's \(id)")]), status: .badRequest
                        )
                    }
                    let existed = await node.tree.links.contains { $0.id == id }
                    if method == .post && existed {
                        return refuse(.init([.init(tag: "data-exists", message: "qkd_link \(id) exists")]), status: .conflict)
                    }
                    if method == .patch && !existed { return missing("no qkd_link \(id)") }
                    do throws(AgentRefusal) { try await node.put(link) } catch { return refusal(error) }
                    return Response(status: existed ? .noContent : .created)
                }
            }
        }
        // A plain PATCH of a list's container merges many entries at once: a controller configures a
        // node in one request. All or none: nothing is applied unless every entry is acceptable.
        restconf.patch(RouterPath("\(root)/qkd_links")) { request, _ in
            try await delayed(node) {
                var request = request
                let body = try await request.collectBody(upTo: maxContainerBytes)
                let links: [ETSILink]
                do throws(ETSIDecodingError) { links = try ETSIEntryList.decodeLinks(body.readableBytesView) } catch {
                    return refuse(RESTCONFErrors(error), status: .badRequest)
                }
                do throws(AgentRefusal) { try await node.put(links: links) } catch { return refusal(error) }
                return Response(status: .noContent)
            }
        }
        restconf.patch(RouterPath("\(root)/qkd_applications")) { request, _ in
            try await delayed(node) {
                var request = request
                let body = try await request.collectBody(upTo: maxContainerBytes)
                let applications: [ETSIApplication]
                do throws(ETSIDecodingError) {
                    applications = try ETSIEntryList.decodeApplications(body.readableBytesView)
                } catch { return refuse(RESTCONFErrors(error), status: .badRequest) }
                await node.put(applications: applications)
                return Response(status: .noContent)
            }
        }
        // An RFC 8072 YANG Patch of the node takes many entries off its lists in one request, all or none.
        restconf.patch(RouterPath(root)) { request, _ in
            try await delayed(node) {
                guard request.headers[.contentType].map({ $0.lowercased().hasPrefix(YANGPatch.mediaType) }) == true else {
                    return refuse(
                        .init([.init(tag: "operation-not-supported", message: "a PATCH of qkd_node takes \(YANGPatch.mediaType)")]),
                        status: .unsupportedMediaType)
                }
                var request = request
                let body = try await request.collectBody(upTo: maxContainerBytes)
                let patch: YANGPatch
                do throws(YANGPatch.Refusal) {
                    patch = try YANGPatch.decode(body.readableBytesView)
                } catch {
                    return xml(YANGPatchStatus(patchID: "", errors: [error]).encoded(), status: .badRequest)
                }
                let refusals = await node.apply(patch)
                let status: HTTPResponse.Status = refusals.isEmpty ? .ok : refusals.contains { $0.tag == "access-denied" } ? .forbidden : .conflict
                return xml(YANGPatchStatus(patchID: patch.patchID, errors: refusals).encoded(), status: status)
            }
        }
        restconf.delete("\(root)/qkd_links/{entry}") { _, context in
            try await delayed(node) {
                let id = try key(context, list: "qkd_link")
                do throws(AgentRefusal) { try await node.deleteLink(id) } catch { return refusal(error) }
                return Response(status: .noContent)
            }
        }
        for method in [HTTPRequest.Method.put, .post, .patch] {
            restconf.on("\(root)/qkd_applications/{entry}", method: method) { request, context in
                try await delayed(node) {
                    let id = try key(context, list: "qkd_app")
                    var request = request
                    let body = try await request.collectBody(upTo: maxDocumentBytes)
                    let application: ETSIApplication
                    do throws(ETSIDecodingError) { application = try ETSIApplication.decodeEntry(body.readableBytesView) } catch {
                        return refuse(RESTCONFErrors(error), status: .badRequest)
                    }
                    guard application.id == id else {
                        return refuse(.init([.init(tag: "invalid-value", message: "the body's app_id is not the URL's")]), status: .badRequest)
                    }
                    let existed = await node.tree.applications.contains { $0.id == id }
                    await node.put(application)
                    return Response(status: existed ? .noContent : .created)
                }
            }
        }
        restconf.delete("\(root)/qkd_applications/{entry}") { _, context in
            try await delayed(node) {
                let id = try key(context, list: "qkd_app")
                do throws(AgentRefusal) { try await node.deleteApplication(id) } catch { return refusal(error) }
                return Response(status: .noContent)
            }
        }

        // Fault injection: plain text answers, for people and scripts.
        router.post("/agent/v1/links/{id}/down") { _, context in
            let id = try uuid(context.parameters.require("id"))
            await node.setFaults { $0.downLinks.insert(id) }
            return Response(status: .noContent)
        }
        router.post("/agent/v1/links/{id}/up") { _, context in
            let id = try uuid(context.parameters.require("id"))
            await node.setFaults {
                $0.downLinks.remove(id)
                $0.qber[id] = nil
            }
            return Response(status: .noContent)
        }
        router.post("/agent/v1/links/{id}/qber") { request, context in
            let id = try uuid(context.parameters.require("id"))
            guard let value = request.uri.queryParameters.get("value").flatMap(Double.init), (0...0.5).contains(value) else {
                throw HTTPError(.badRequest, message: "give ?value= a QBER from 0 to 0.5")
            }
            await node.setFaults { $0.qber[id] = value }
            return Response(status: .noContent)
        }
        router.post("/agent/v1/heartbeats/stop") { _, _ in
            await node.setFaults { $0.silent = true }
            return Response(status: .noContent)
        }
        router.post("/agent/v1/heartbeats/start") { _, _ in
            await node.setFaults { $0.silent = false }
            return Response(status: .noContent)
        }
        router.post("/agent/v1/crash") { _, _ in
            await node.setFaults { $0.crashed = true }
            return Response(status: .noContent)
        }
        router.post("/agent/v1/restart") { _, _ in
            await node.restart()
            return Response(status: .noContent)
        }
        router.post("/agent/v1/delay") { request, _ in
            guard let value = request.uri.queryParameters.get("ms").flatMap(Int.init), (0...600_000).contains(value) else {
                throw HTTPError(.badRequest, message: "give ?ms= a delay from 0 to 600000")
            }
            await node.setFaults { $0.responseDelayMs = value }
            return Response(status: .noContent)
        }
        return router
    }

    /// Lets through only requests that carry the controller's proof: a node takes configuration from its controller alone.
    struct ControllerProofMiddleware: RouterMiddleware {
        let expected: String

        func handle(
            _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
        ) async throws -> Response {
            guard let presented = bearerCredentials(request.headers[.authorization]), constantTimeEquals(presented, expected) else {
                var response = refuse(
                    .init([.init(type: "protocol", tag: "access-denied", message: "only this node's controller may use its RESTCONF interface")]),
                    status: .unauthorized
                )
                response.headers[.wwwAuthenticate] = #"Bearer realm="qonduit-agent""#
                return response
            }
            return try await next(request, context)
        }
    }

    /// The list key from a RESTCONF segment such as `qkd_link=UUID`.
    static func key(_ context: BasicRequestContext, list: String) throws -> QKDUUID {
        let segment = try context.parameters.require("entry")
        let prefix = "\(list)="
        guard segment.hasPrefix(prefix) else { throw HTTPError(.notFound, message: "expected \(list)=<key>") }
        return try uuid(String(segment.dropFirst(prefix.count)).removingPercentEncoding ?? "")
    }

    static func uuid(_ text: String) throws -> QKDUUID {
        guard let uuid = QKDUUID(text) else { throw HTTPError(.badRequest, message: "'\(text)' is not a UUID") }
        return uuid
    }

    static func delayed(_ node: SimulatedNode, _ body: () async throws -> Response) async throws -> Response {
        if await node.faults.crashed {
            return refuse(.init([.init(tag: "operation-failed", message: "the agent is down")]), status: .serviceUnavailable)
        }
        let delay = await node.faults.responseDelayMs
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        return try await body()
    }

    static func xml(_ document: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: mediaType], body: ResponseBody(byteBuffer: ByteBuffer(string: document)))
    }

    static func refuse(_ errors: RESTCONFErrors, status: HTTPResponse.Status) -> Response {
        xml(errors.encoded(), status: status)
    }

    static func missing(_ message: String) -> Response {
        refuse(.init([.init(tag: "invalid-value", message: message)]), status: .notFound)
    }

    static func refusal(_ error: AgentRefusal) -> Response {
        switch error {
        case .refused(let tag, let message):
            refuse(.init([.init(tag: tag, message: message)]), status: tag == "access-denied" ? .forbidden : .badRequest)
        case .missing(let message): missing(message)
        }
    }
}
