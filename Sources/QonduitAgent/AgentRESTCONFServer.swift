import Foundation
import HTTPTypes
public import Hummingbird
public import QonduitCore
public import QonduitETSI

/// The agent's RESTCONF interface (RFC 8040) over its node's `etsi-qkd-sdn-node` tree, in XML and
/// JSON, and a small fault-injection API under `/agent/v1`.
///
/// Answers are in the encoding `Accept` names, JSON when it names neither (what the TeraFlowSDN
/// driver expects of a request without one); bodies are read in the encoding `Content-Type` names,
/// or the one they start like. Container paths are served with and without a trailing slash.
public enum AgentRESTCONFServer {
    static let root = "/restconf/data/etsi-qkd-sdn-node:qkd_node"
    /// The node's containers, each served on its own.
    static let containers = ["qkd_links", "qkd_applications", "qkd_interfaces", "qkdn_capabilities"]

    /// With a `credential`, RESTCONF requests must carry the controller's proof for it (a bearer
    /// token); without one (a bare simulator, in tests), anyone may configure the node.
    public static func router(
        for node: SimulatedNode, credential: AccessSecret? = nil, maxDocumentBytes: Int = 1 << 20, maxContainerBytes: Int = 64 << 20,
        scheme: String = "http", keepalive: Duration = .seconds(15), capabilities: RESTCONFCapabilities = .agent,
        jsonMembers: JSONMemberNames = .qualified
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let restconf = router.group()
        if let credential { restconf.add(middleware: ControllerProofMiddleware(expected: credential.controllerProof)) }
        restconf.add(middleware: ControllerEpochMiddleware(node: node))
        // RFC 8040 §3.1: where the RESTCONF root is.
        router.get("/.well-known/host-meta") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/xrd+xml"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link rel='restconf' href='/restconf'/></XRD>\n")))
        }
        restconf.get("/restconf/data/ietf-restconf-monitoring:restconf-state/capabilities") { request, _ in
            try await delayed(node) { answer(capabilities, request) }
        }
        // The tree carries an entity tag (RFC 8040 §3.5.2), so that a poll of an unchanged tree is a 304.
        // RFC 8040 §9.3 and §6: one event stream of the node's notifications, in either encoding.
        restconf.get("/restconf/data/ietf-restconf-monitoring:restconf-state/streams") { request, _ in
            try await delayed(node) {
                let base = "\(scheme)://\(request.head.authority ?? "127.0.0.1")/restconf/streams/\(streamName)"
                let streams = RESTCONFStreams([
                    .init(
                        name: streamName, description: "GS QKD 015 notifications of this node",
                        locations: [("xml", base + "/xml"), ("json", base + "/json")])
                ])
                let encoding = answerEncoding(request)
                return document(streams.encoded(encoding), encoding)
            }
        }
        restconf.get("/restconf/streams/\(streamName)/{encoding}") { _, context in
            try await delayed(node) {
                guard let encoding = context.parameters.get("encoding").flatMap(ETSIEncoding.init(rawValue:)) else {
                    return missing("no such stream encoding: xml or json", .json)
                }
                let events = await node.notifications()
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                    body: ResponseBody { writer in try await stream(events, encoding: encoding, keepalive: keepalive, to: &writer) })
            }
        }
        restconf.get(RouterPath(root)) { request, _ in
            try await delayed(node) {
                let encoding = answerEncoding(request)
                let text = jsonMembers.apply(await node.tree.encoded(encoding: encoding), encoding)
                let tag = entityTag(text)
                if request.headers[values: .ifNoneMatch].flatMap({ $0.split(separator: ",") }).contains(where: {
                    $0.trimmingCharacters(in: .whitespaces) == tag
                }) {
                    return Response(status: .notModified, headers: [.eTag: tag])
                }
                var response = document(text, encoding)
                response.headers[.eTag] = tag
                return response
            }
        }
        for container in containers {
            restconf.get(RouterPath("\(root)/\(container)")) { request, _ in
                try await delayed(node) {
                    let encoding = answerEncoding(request)
                    return document(jsonMembers.apply(await node.tree.encodedContainer(container, encoding: encoding), encoding), encoding)
                }
            }
        }
        restconf.get("\(root)/qkd_links/{entry}") { request, context in
            try await delayed(node) {
                let encoding = answerEncoding(request)
                let id = try key(context, list: "qkd_link")
                guard let link = await node.tree.links.first(where: { $0.id == id }) else { return missing("no qkd_link \(id)", encoding) }
                return document(jsonMembers.apply(link.encodedEntry(.all, encoding: encoding), encoding), encoding)
            }
        }
        for method in [HTTPRequest.Method.put, .post, .patch] {
            restconf.on("\(root)/qkd_links/{entry}", method: method) { request, context in
                try await delayed(node) {
                    let encoding = answerEncoding(request)
                    let id = try key(context, list: "qkd_link")
                    let (body, bodyEncoding) = try await read(request, limit: maxDocumentBytes)
                    let link: ETSILink
                    do throws(ETSIDecodingError) { link = try ETSILink.decodeEntry(body.readableBytesView, encoding: bodyEncoding) } catch {
                        return refuse(RESTCONFErrors(error), status: .badRequest, encoding)
                    }
                    guard link.id == id else {
                        let message = "the body's qkdl_id \(link.id) is not the URL's \(id)"
                        return refuse(.init([.init(tag: "invalid-value", message: message)]), status: .badRequest, encoding)
                    }
                    let existed = await node.tree.links.contains { $0.id == id }
                    if method == .post && existed {
                        return refuse(.init([.init(tag: "data-exists", message: "qkd_link \(id) exists")]), status: .conflict, encoding)
                    }
                    if method == .patch && !existed { return missing("no qkd_link \(id)", encoding) }
                    do throws(AgentRefusal) { try await node.put(link) } catch { return refusal(error, encoding) }
                    return Response(status: existed ? .noContent : .created)
                }
            }
        }
        // A plain PATCH of a list's container merges many entries at once: a controller configures a
        // node in one request. All or none: nothing is applied unless every entry is acceptable. A POST
        // of the container does the same, as the TeraFlowSDN driver sends one; a POST of one entry
        // (RFC 8040 §4.4.1) creates it.
        for method in [HTTPRequest.Method.patch, .post] {
            restconf.on(RouterPath("\(root)/qkd_links"), method: method) { request, _ in
                try await delayed(node) {
                    let encoding = answerEncoding(request)
                    let (body, bodyEncoding) = try await read(request, limit: maxContainerBytes)
                    let links: [ETSILink]
                    do throws(ETSIDecodingError) {
                        links = try decodeLinks(body.readableBytesView, bodyEncoding, oneEntryAllowed: method == .post)
                    } catch { return refuse(RESTCONFErrors(error), status: .badRequest, encoding) }
                    do throws(AgentRefusal) { try await node.put(links: links) } catch { return refusal(error, encoding) }
                    return Response(status: method == .post ? .created : .noContent)
                }
            }
            restconf.on(RouterPath("\(root)/qkd_applications"), method: method) { request, _ in
                try await delayed(node) {
                    let encoding = answerEncoding(request)
                    let (body, bodyEncoding) = try await read(request, limit: maxContainerBytes)
                    let applications: [ETSIApplication]
                    do throws(ETSIDecodingError) {
                        applications = try decodeApplications(body.readableBytesView, bodyEncoding, oneEntryAllowed: method == .post)
                    } catch { return refuse(RESTCONFErrors(error), status: .badRequest, encoding) }
                    await node.put(applications: applications)
                    return Response(status: method == .post ? .created : .noContent)
                }
            }
        }
        // An RFC 8072 YANG Patch of the node takes many entries off its lists in one request, all or none.
        restconf.patch(RouterPath(root)) { request, _ in
            try await delayed(node) {
                guard request.headers[.contentType].map({ $0.lowercased().hasPrefix(YANGPatch.mediaType) }) == true else {
                    return refuse(
                        .init([.init(tag: "operation-not-supported", message: "a PATCH of qkd_node takes \(YANGPatch.mediaType)")]),
                        status: .unsupportedMediaType, answerEncoding(request))
                }
                var request = request
                let body = try await request.collectBody(upTo: maxContainerBytes)
                let patch: YANGPatch
                do throws(YANGPatch.Refusal) {
                    patch = try YANGPatch.decode(body.readableBytesView)
                } catch {
                    return document(YANGPatchStatus(patchID: "", errors: [error]).encoded(), .xml, status: .badRequest)
                }
                let refusals = await node.apply(patch)
                let status: HTTPResponse.Status = refusals.isEmpty ? .ok : refusals.contains { $0.tag == "access-denied" } ? .forbidden : .conflict
                return document(YANGPatchStatus(patchID: patch.patchID, errors: refusals).encoded(), .xml, status: status)
            }
        }
        restconf.delete("\(root)/qkd_links/{entry}") { request, context in
            try await delayed(node) {
                let id = try key(context, list: "qkd_link")
                do throws(AgentRefusal) { try await node.deleteLink(id) } catch { return refusal(error, answerEncoding(request)) }
                return Response(status: .noContent)
            }
        }
        for method in [HTTPRequest.Method.put, .post, .patch] {
            restconf.on("\(root)/qkd_applications/{entry}", method: method) { request, context in
                try await delayed(node) {
                    let encoding = answerEncoding(request)
                    let id = try key(context, list: "qkd_app")
                    let (body, bodyEncoding) = try await read(request, limit: maxDocumentBytes)
                    let application: ETSIApplication
                    do throws(ETSIDecodingError) {
                        application = try ETSIApplication.decodeEntry(body.readableBytesView, encoding: bodyEncoding)
                    } catch { return refuse(RESTCONFErrors(error), status: .badRequest, encoding) }
                    guard application.id == id else {
                        return refuse(
                            .init([.init(tag: "invalid-value", message: "the body's app_id is not the URL's")]), status: .badRequest, encoding)
                    }
                    let existed = await node.tree.applications.contains { $0.id == id }
                    await node.put(application)
                    return Response(status: existed ? .noContent : .created)
                }
            }
        }
        restconf.delete("\(root)/qkd_applications/{entry}") { request, context in
            try await delayed(node) {
                let id = try key(context, list: "qkd_app")
                do throws(AgentRefusal) { try await node.deleteApplication(id) } catch { return refusal(error, answerEncoding(request)) }
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
                    status: .unauthorized, answerEncoding(request)
                )
                response.headers[.wwwAuthenticate] = #"Bearer realm="qonduit-agent""#
                return response
            }
            return try await next(request, context)
        }
    }

    /// Refuses a request from a controller older than one already heard from (a lower
    /// `Qonduit-Controller-Epoch`): a deposed leader cannot configure the node. Requests without the
    /// header (another controller, a person with curl) are let through.
    struct ControllerEpochMiddleware: RouterMiddleware {
        let node: SimulatedNode

        func handle(
            _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
        ) async throws -> Response {
            guard let name = HTTPField.Name(ControllerEpochHeader.name), let text = request.headers[name] else {
                return try await next(request, context)
            }
            guard let epoch = Int64(text), epoch >= 0 else {
                return refuse(
                    .init([
                        .init(
                            type: "protocol", tag: "malformed-message", message: "\(ControllerEpochHeader.name) must be a whole number, got '\(text)'"
                        )
                    ]),
                    status: .badRequest, answerEncoding(request))
            }
            if let seen = await node.admit(epoch: epoch) {
                return refuse(
                    .init([
                        .init(
                            tag: "in-use",
                            message: "controller epoch \(epoch) is older than \(seen), which this node has seen: a newer leader configures it")
                    ]), status: .conflict, answerEncoding(request))
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
            return refuse(.init([.init(tag: "operation-failed", message: "the agent is down")]), status: .serviceUnavailable, .xml)
        }
        let delay = await node.faults.responseDelayMs
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        return try await body()
    }

    /// A strong entity tag of a document: its 64-bit FNV-1a hash, which changes whenever the text does.
    static func entityTag(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "\"" + String(hash, radix: 16) + "\""
    }

    /// The encoding `Accept` asks for: the first entry that names one, JSON when none does.
    static func answerEncoding(_ request: Request) -> ETSIEncoding {
        let accepted = request.headers[values: .accept].flatMap { $0.split(separator: ",") }
        return accepted.lazy.compactMap { ETSIEncoding(mediaType: String($0)) }.first ?? .json
    }

    /// A request's body and its encoding: the one `Content-Type` names, else the one it starts like.
    static func read(_ request: Request, limit: Int) async throws -> (ByteBuffer, ETSIEncoding) {
        var request = request
        let body = try await request.collectBody(upTo: limit)
        let encoding = ETSIEncoding(contentType: request.headers[.contentType], body: body.readableBytesView)
        return (body, encoding)
    }

    /// A container document's entries; where `oneEntryAllowed`, a document of one entry is read as that entry.
    static func decodeLinks(_ bytes: some Collection<UInt8>, _ encoding: ETSIEncoding, oneEntryAllowed: Bool) throws(ETSIDecodingError) -> [ETSILink]
    {
        do {
            return try ETSIEntryList.decodeLinks(bytes, encoding: encoding)
        } catch {
            guard oneEntryAllowed, let entry = try? ETSILink.decodeEntry(bytes, encoding: encoding) else { throw error }
            return [entry]
        }
    }

    static func decodeApplications(
        _ bytes: some Collection<UInt8>, _ encoding: ETSIEncoding, oneEntryAllowed: Bool
    ) throws(ETSIDecodingError) -> [ETSIApplication] {
        do {
            return try ETSIEntryList.decodeApplications(bytes, encoding: encoding)
        } catch {
            guard oneEntryAllowed, let entry = try? ETSIApplication.decodeEntry(bytes, encoding: encoding) else { throw error }
            return [entry]
        }
    }

    static func document(_ text: String, _ encoding: ETSIEncoding, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: encoding.mediaType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func answer(_ capabilities: RESTCONFCapabilities, _ request: Request) -> Response {
        let encoding = answerEncoding(request)
        return document(capabilities.encoded(encoding), encoding)
    }

    static func refuse(_ errors: RESTCONFErrors, status: HTTPResponse.Status, _ encoding: ETSIEncoding) -> Response {
        document(errors.encoded(encoding), encoding, status: status)
    }

    static func missing(_ message: String, _ encoding: ETSIEncoding) -> Response {
        refuse(.init([.init(tag: "invalid-value", message: message)]), status: .notFound, encoding)
    }

    static func refusal(_ error: AgentRefusal, _ encoding: ETSIEncoding) -> Response {
        switch error {
        case .refused(let tag, let message):
            refuse(.init([.init(tag: tag, message: message)]), status: tag == "access-denied" ? .forbidden : .badRequest, encoding)
        case .missing(let message): missing(message, encoding)
        }
    }
}
