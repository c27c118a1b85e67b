import CoreMetrics
import Foundation
public import Hummingbird
import Logging
import QonduitCore
import QonduitETSI
public import QonduitStorage

/// The controller's side of the node agents' interface (`/southbound/v1`), in GS QKD 015 XML:
/// agents register with their `qkd_node` tree and then send notifications. Answers and errors
/// are `application/yang-data+xml`; errors are RFC 8040 `errors` documents.
public enum SouthboundAPI {
    static let mediaType = "application/yang-data+xml"

    public static func register<Context: RequestContext>(
        on router: Router<Context>, inventory: any Inventory, configuration: SouthboundConfiguration,
        restconf: AgentRESTCONFClient = AgentRESTCONFClient(), metrics: SouthboundMetrics = SouthboundMetrics()
    ) {
        let group = router.group("/southbound/v1")
        let authenticator = AgentAuthenticator(inventory: inventory)
        group.post("agents") { request, context in
            var credential: AgentCredentialInfo?
            let response = await respond(context.logger) { () async throws(SouthboundError) -> Response in
                credential = try await authenticator.authenticate(request)
                guard let url = request.uri.queryParameters.get("restconf_url") else { throw .missingParameter("restconf_url") }
                try checkRESTCONFURL(url)
                let body = try await readBody(request, limit: configuration.maxDocumentBytes)
                let node: ETSINode
                do throws(ETSIDecodingError) { node = try ETSINode.decode(body.readableBytesView) } catch { throw .decoding(error) }
                try authenticator.authorize(credential, for: node.id)
                var registration = node.registration(restconfURL: url, tree: String(buffer: body))
                registration.credentialID = credential?.id
                let result = try await inventoryCall { [registration] in
                    try await inventory.registerAgent(
                        registration, autoOnboard: configuration.autoOnboard, heartbeatIntervalMs: configuration.heartbeatIntervalMs
                    )
                }
                context.logger.info(
                    "agent registered",
                    metadata: [
                        "node": "\(result.nodeID)", "qkdn_id": "\(node.id)", "created": "\(result.createdNode)",
                        "unknown_links": "\(result.unknownLinks.count)",
                    ])
                let answer = RegistrationAnswer(
                    qkdnID: node.id, nodeID: result.nodeID.rawValue, heartbeatIntervalMs: UInt32(configuration.heartbeatIntervalMs)
                )
                return xml(answer.encoded(), status: result.createdNode ? .created : .ok)
            }
            // A registration changes the inventory: audited whatever its outcome.
            await authenticator.audit(credential, action: "POST /southbound/v1/agents", request: request, response: response, logger: context.logger)
            return response
        }
        group.post("notifications") { request, context in
            var credential: AgentCredentialInfo?
            let response = await respond(context.logger) { () async throws(SouthboundError) -> Response in
                credential = try await authenticator.authenticate(request)
                let body = try await readBody(request, limit: configuration.maxDocumentBytes)
                let notifications: [AgentNotification]
                do throws(ETSIDecodingError) { notifications = try AgentNotification.decodeBatch(body.readableBytesView) } catch {
                    throw .decoding(error)
                }
                let sender = try sender(of: notifications, query: request.uri.queryParameters.get("qkdn_id"), credential: credential?.qkdnID)
                try authenticator.authorize(credential, for: sender)
                var reports: [AgentReport] = credential.map { [.usedCredential($0.id)] } ?? []
                for notification in notifications { reports += try notification.event.reports() }
                let outcome = try await inventoryCall { try await inventory.applyAgentReports(from: sender, reports) }
                metrics.notificationsFromAgents.increment(by: notifications.count)
                if outcome.returned {
                    // What changed while the agent was away is unknown: read its tree again, off the request's path.
                    let logger = context.logger
                    Task { await resynchronize(outcome, inventory: inventory, configuration: configuration, restconf: restconf, logger: logger) }
                }
                return Response(status: .noContent)
            }
            // Reports come many a second: only refusals are audited (what they change is in the event log).
            if response.status == .unauthorized || response.status == .forbidden {
                await authenticator.audit(
                    credential, action: "POST /southbound/v1/notifications", request: request, response: response, logger: context.logger
                )
            }
            return response
        }
    }

    /// Reads a returning agent's tree and takes it in as a new registration.
    static func resynchronize(
        _ outcome: AgentReportOutcome, inventory: any Inventory, configuration: SouthboundConfiguration, restconf: AgentRESTCONFClient,
        logger: Logger
    ) async {
        do {
            let (node, document) = try await restconf.tree(at: outcome.restconfURL)
            _ = try await inventory.registerAgent(
                node.registration(restconfURL: outcome.restconfURL, tree: document), autoOnboard: false,
                heartbeatIntervalMs: configuration.heartbeatIntervalMs
            )
            logger.info("agent back: tree read again", metadata: ["node": "\(outcome.nodeID)"])
        } catch {
            logger.warning("agent back but its tree could not be read", metadata: ["node": "\(outcome.nodeID)", "error": "\(error)"])
        }
    }

    /// The node notifications come from: the `qkdn_id` parameter, or their heartbeats' own, or the
    /// credential's node; every heartbeat must name that same node.
    static func sender(of notifications: [AgentNotification], query: String?, credential: QKDUUID?) throws(SouthboundError) -> QKDUUID {
        var named = try query.map { text throws(SouthboundError) -> QKDUUID in
            guard let uuid = QKDUUID(text) else { throw .invalid("qkdn_id '\(text)' is not a UUID") }
            return uuid
        }
        for notification in notifications {
            guard case .heartbeat(let node) = notification.event else { continue }
            if let sender = named, sender != node { throw .invalid("a heartbeat is for node \(node), not \(sender) as qkdn_id says") }
            named = node
        }
        guard let named = named ?? credential else { throw .missingParameter("qkdn_id") }
        return named
    }

    /// An inventory call whose refusals become RFC 8040 errors.
    static func inventoryCall<T>(_ body: () async throws -> T) async throws(SouthboundError) -> T {
        do {
            return try await body()
        } catch {
            throw .from(error)
        }
    }

    static func checkRESTCONFURL(_ text: String) throws(SouthboundError) {
        guard text.utf8.count <= 2_048, let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            let host = url.host, !host.isEmpty
        else { throw .invalid("restconf_url '\(text.prefix(100))' is not an http or https URL") }
    }

    static func readBody(_ request: Request, limit: Int) async throws(SouthboundError) -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: limit)
        } catch {
            throw .tooLarge(limit)
        }
    }

    static func xml(_ document: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: mediaType], body: ResponseBody(byteBuffer: ByteBuffer(string: document)))
    }

    /// Runs a handler; whatever it throws becomes an RFC 8040 error document, never a bare 500.
    static func respond(_ logger: Logger, _ body: () async throws(SouthboundError) -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            if case .failed(let reason) = error {
                logger.error("southbound request failed", metadata: ["error": "\(reason)"])
            } else {
                logger.notice(
                    "southbound request refused", metadata: ["status": "\(error.status)", "error": "\(error.document.entries.first?.message ?? "")"])
            }
            return xml(error.document.encoded(), status: HTTPResponse.Status(code: error.status))
        }
    }
}
