import Foundation
import Hummingbird
import QonduitCore
import QonduitStorage

/// `/api/v1/agents`: the node agents, those that registered and the devices onboarded by address
/// (admin onboards and removes them).
struct AgentRoutes {
    let inventory: any Inventory
    let onboarding: (any DeviceOnboarding)?
    let configuration: APIConfiguration

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get { request, _ in
            let query = try QueryParameters(request, allowed: ["limit", "offset"])
            let limit = try query.int("limit", default: 100, in: 1...10_000)
            let offset = try query.int("offset", default: 0, in: 0...Int.max)
            let page = try await inventory.agents(limit: limit, offset: offset)
            return JSONCoding.response(writing: ListRepresentation(items: page.items.map(AgentRepresentation.init), total: page.total))
        }
        group.post { request, _ in
            _ = try QueryParameters(request, allowed: [])
            var request = request
            let body = try await request.decodeJSON(OnboardingBody.self, maxBytes: configuration.maxJSONBodyBytes)
            let onboarding = try body.request()
            // An unknown node is refused before any device is contacted.
            _ = try await inventory.node(onboarding.node.rawValue)
            guard let onboarder = self.onboarding else {
                throw Problem(.serviceUnavailable, detail: "this controller was assembled without a southbound to onboard devices with")
            }
            do {
                try await onboarder.onboard(onboarding)
            } catch let failure as DeviceOnboardingFailure {
                throw Problem(.unprocessableContent, title: "Device not onboarded", detail: failure.message)
            }
            var response = JSONCoding.response(writing: AgentRepresentation(agent: try await agent(onboarding.node.rawValue)), status: .created)
            response.headers[.location] = "/api/v1/agents/\(onboarding.node.rawValue)"
            return response
        }
        group.get("{node}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            return JSONCoding.response(writing: AgentRepresentation(agent: try await agent(try context.parameters.require("node"))))
        }
        group.delete("{node}") { request, context in
            _ = try QueryParameters(request, allowed: [])
            try await inventory.removeAgent(of: try context.parameters.require("node"))
            return Response(status: .noContent)
        }
    }

    private func agent(_ node: String) async throws -> AgentInfo {
        _ = try await inventory.node(node)
        guard let agent = try await inventory.agent(of: node) else { throw AgentError.agentNotFound(node) }
        return agent
    }
}

/// `POST /api/v1/agents`: a device to onboard by address.
struct OnboardingBody: Decodable {
    var node: String
    var restconfURL: String
    var encoding: String?
    var auth: Auth?
    var tlsCA: String?
    var pollIntervalMs: Int?

    struct Auth: Decodable {
        var bearer: String?
        var basic: Basic?

        struct Basic: Decodable {
            var username: String
            var password: String
        }
    }

    enum CodingKeys: String, CodingKey {
        case node, encoding, auth
        case restconfURL = "restconf_url"
        case tlsCA = "tls_ca"
        case pollIntervalMs = "poll_interval_ms"
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowed: ["node", "restconf_url", "encoding", "auth", "tls_ca", "poll_interval_ms"])
        let container = try decoder.container(keyedBy: CodingKeys.self)
        node = try container.decode(String.self, forKey: .node)
        restconfURL = try container.decode(String.self, forKey: .restconfURL)
        encoding = try container.decodeIfPresent(String.self, forKey: .encoding)
        auth = try container.decodeIfPresent(Auth.self, forKey: .auth)
        tlsCA = try container.decodeIfPresent(String.self, forKey: .tlsCA)
        pollIntervalMs = try container.decodeIfPresent(Int.self, forKey: .pollIntervalMs)
    }

    /// The request the body stands for; every field that is wrong is named.
    func request() throws -> DeviceOnboardingRequest {
        var problems: [Problem.Item] = []
        let nodeID = try? NodeID(node)
        if nodeID == nil { problems.append(.init(pointer: "/node", message: "'\(node.prefix(100))' is not a node id")) }
        if restconfURL.utf8.count > 2_048
            || URL(string: restconfURL).map({ ["http", "https"].contains($0.scheme?.lowercased() ?? "") && $0.host != nil }) != true
        {
            problems.append(.init(pointer: "/restconf_url", message: "must be an http or https URL"))
        }
        let chosen = DeviceOnboardingRequest.Encoding(rawValue: encoding ?? "auto")
        if chosen == nil { problems.append(.init(pointer: "/encoding", message: "must be auto, xml or json")) }
        var credential: DeviceCredential?
        switch (auth?.bearer, auth?.basic) {
        case (nil, nil): break
        case (let token?, nil):
            if token.isEmpty || token.contains(where: \.isNewline) {
                problems.append(.init(pointer: "/auth/bearer", message: "must be a non-empty token on one line"))
            }
            credential = .bearer(token)
        case (nil, let basic?):
            if basic.username.isEmpty || basic.username.contains(":") {
                problems.append(.init(pointer: "/auth/basic/username", message: "must be non-empty and hold no ':'"))
            }
            credential = .basic(username: basic.username, password: basic.password)
        default:
            problems.append(.init(pointer: "/auth", message: "give one of bearer and basic"))
        }
        if let tlsCA, tlsCA.isEmpty || tlsCA.utf8.count > 65_536 || !tlsCA.contains("-----BEGIN CERTIFICATE-----") {
            problems.append(.init(pointer: "/tls_ca", message: "must be one or more PEM certificates (-----BEGIN CERTIFICATE-----), at most 64 KiB"))
        }
        let interval = pollIntervalMs ?? DeviceOnboardingRequest.defaultPollIntervalMs
        if !DeviceOnboardingRequest.pollIntervalRange.contains(interval) {
            let range = DeviceOnboardingRequest.pollIntervalRange
            problems.append(.init(pointer: "/poll_interval_ms", message: "must be from \(range.lowerBound) to \(range.upperBound)"))
        }
        guard problems.isEmpty, let nodeID, let chosen else {
            throw Problem(.unprocessableContent, detail: Problem.summary(of: problems), errors: problems)
        }
        return DeviceOnboardingRequest(
            node: nodeID, url: restconfURL, encoding: chosen, credential: credential, tlsCA: tlsCA, pollIntervalMs: interval)
    }
}

struct AgentRepresentation: JSONWritable {
    var agent: AgentInfo

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("node_id")
        writer.string(agent.nodeID.rawValue)
        writer.comma()
        writer.key("qkdn_id")
        writer.string(agent.qkdnID.text)
        writer.comma()
        writer.key("kind")
        writer.string(agent.kind.rawValue)
        writer.comma()
        writer.key("encoding")
        writer.string(agent.encoding.rawValue)
        writer.comma()
        writer.key("restconf_url")
        writer.string(agent.restconfURL)
        writer.comma()
        writer.key("state")
        writer.string(agent.state.rawValue)
        writer.comma()
        writer.key("heartbeat_interval_ms")
        writer.number(agent.heartbeatIntervalMs)
        writer.comma()
        writer.key("registered_at")
        writer.date(agent.registeredAt)
        writer.comma()
        writer.key("last_heartbeat_at")
        writer.date(agent.lastSeenAt)
        writer.comma()
        writer.key("reconciled_at")
        if let time = agent.reconciledAt { writer.date(time) } else { writer.raw("null") }
        writer.comma()
        writer.key("drift")
        writer.number(agent.drift)
        writer.comma()
        writer.key("reconcile_error")
        writer.string(agent.reconcileError)
        writer.comma()
        writer.key("polled_at")
        if let time = agent.polledAt { writer.date(time) } else { writer.raw("null") }
        writer.comma()
        writer.key("poll_error")
        writer.string(agent.pollError)
        writer.comma()
        writer.key("identity_mismatch")
        writer.raw(agent.identityMismatch ? "true" : "false")
        writer.comma()
        writer.key("stream_state")
        writer.string(agent.streamState?.rawValue)
        writer.comma()
        writer.key("stream_error")
        writer.string(agent.streamError)
        writer.comma()
        writer.key("write_method")
        writer.string(agent.writeMethod.rawValue)
        writer.comma()
        writer.key("credential_id")
        writer.string(agent.credentialID)
        writer.comma()
        writer.key("credential_rotation_pending")
        writer.raw(agent.credentialRotationPending ? "true" : "false")
        writer.comma()
        writer.key("key_pools")
        writer.array(agent.keyPools) { writer, pool in
            writer.raw("{")
            writer.key("link_id")
            writer.string(pool.linkID.rawValue)
            writer.comma()
            writer.key("bits")
            writer.number(Int(pool.bits))
            writer.comma()
            writer.key("reported_at")
            writer.date(pool.reportedAt)
            writer.raw("}")
        }
        writer.raw("}")
    }
}
