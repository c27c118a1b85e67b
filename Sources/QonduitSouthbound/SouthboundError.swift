import QonduitCore
import QonduitETSI
import QonduitStorage

/// Why the southbound refused a request, as an RFC 8040 error with its HTTP status.
enum SouthboundError: Error {
    case decoding(ETSIDecodingError)
    case invalid(String)
    case missingParameter(String)
    /// A store's refusal the agent caused, with its status and what to tell the agent.
    case refused(status: Int, message: String)
    case tooLarge(Int)
    /// No valid agent credential (401).
    case unauthenticated(String)
    /// A credential for another node than the one the request is for (403).
    case forbidden(String)
    /// The controller could not do it (its database failed): not the agent's fault. The reason is
    /// logged, never sent: it may name the controller's internals.
    case failed(String)
    /// A store's refusal the agent caused (an unknown node, a link it does not have, an identity in
    /// use); any other error is the controller's own failure.
    static func from(_ error: any Error) -> SouthboundError {
        switch error {
        case let error as AgentError:
            switch error {
            case .unknownAgentNode(let uuid):
                return .refused(
                    status: 404,
                    message:
                        "no node has GS QKD 015 id '\(uuid)': create it with that qkdn_id, or let the controller onboard agents (serve --auto-onboard)"
                )
            case .agentNotRegistered(let uuid):
                return .refused(
                    status: 404, message: "the agent of node '\(uuid)' has not registered: POST its qkd_node to /southbound/v1/agents first")
            case .unknownReportedLink(let uuid, let node):
                return .refused(status: 400, message: "node '\(node)' has no link with GS QKD 015 id '\(uuid)'")
            case .agentExists(let node, let kind):
                return .refused(
                    status: 409,
                    message: "node '\(node)' is managed as an \(kind.rawValue) device; an operator must remove that agent before another registers")
            case .agentNotFound:
                return .failed("\(error)")
            }
        case let error as NetworkError:
            switch error {
            case .identityInUse(let uuid, let holder): return .refused(status: 409, message: "GS QKD 015 id '\(uuid)' already belongs to '\(holder)'")
            case .invalid(let failure): return .refused(status: 400, message: failure.description)
            case .nodeNotFound(let id): return .refused(status: 404, message: "no node '\(id)'")
            case .linkNotFound(let id): return .refused(status: 404, message: "no link '\(id)'")
            case .nodeExists(let id): return .refused(status: 409, message: "node '\(id)' exists already")
            case .linkExists(let id): return .refused(status: 409, message: "link '\(id)' exists already")
            case .nodeHasLinks(let id, let links):
                return .refused(status: 409, message: "node '\(id)' still has links \(links.map(\.rawValue).joined(separator: ", "))")
            case .unknownNode, .topology, .reservedByKeyPaths: return .failed("\(error)")
            }
        default:
            return .failed("\(error)")
        }
    }

    var status: Int {
        switch self {
        case .decoding, .invalid, .missingParameter: 400
        case .tooLarge: 413
        case .unauthenticated: 401
        case .forbidden: 403
        case .failed: 500
        case .refused(let status, _): status
        }
    }

    var document: RESTCONFErrors {
        switch self {
        case .decoding(let error):
            return RESTCONFErrors(error)
        case .invalid(let message):
            return RESTCONFErrors([.init(tag: "invalid-value", message: message)])
        case .missingParameter(let name):
            return RESTCONFErrors([.init(type: "protocol", tag: "missing-attribute", message: "the query parameter \(name) is required")])
        case .unauthenticated(let message), .forbidden(let message):
            return RESTCONFErrors([.init(type: "protocol", tag: "access-denied", message: message)])
        case .failed:
            return RESTCONFErrors([.init(tag: "operation-failed", message: "the controller failed to handle the request; its log says why")])
        case .tooLarge(let limit):
            return RESTCONFErrors([.init(type: "transport", tag: "too-big", message: "the document is larger than \(limit) bytes")])
        case .refused(let status, let message):
            return RESTCONFErrors([.init(tag: status == 404 ? "data-missing" : "invalid-value", message: message)])
        }
    }
}
