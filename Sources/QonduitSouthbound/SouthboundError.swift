import QonduitCore
import QonduitETSI
import QonduitStorage

/// Why the southbound refused a request, as an RFC 8040 error with its HTTP status.
enum SouthboundError: Error {
    case decoding(ETSIDecodingError)
    case invalid(String)
    case missingParameter(String)
    case inventory(InventoryError)
    case tooLarge(Int)
    /// No valid agent credential (401).
    case unauthenticated(String)
    /// A credential for another node than the one the request is for (403).
    case forbidden(String)
    /// The controller could not do it (its database failed): not the agent's fault. The reason is
    /// logged, never sent: it may name the controller's internals.
    case failed(String)
    /// An inventory refusal the agent caused (an unknown node, a link it does not have, an identity
    /// in use); any other inventory error is the controller's own failure.
    static func from(_ error: InventoryError) -> SouthboundError {
        switch error {
        case .unknownAgentNode, .agentNotRegistered, .unknownReportedLink, .identityInUse, .agentExists, .invalid, .nodeNotFound,
            .linkNotFound, .nodeExists, .linkExists, .nodeHasLinks:
            .inventory(error)
        default:
            .failed("\(error)")
        }
    }

    var status: Int {
        switch self {
        case .decoding, .invalid, .missingParameter: 400
        case .tooLarge: 413
        case .unauthenticated: 401
        case .forbidden: 403
        case .failed: 500
        case .inventory(let error):
            switch error {
            case .unknownAgentNode, .agentNotRegistered, .nodeNotFound, .linkNotFound: 404
            case .identityInUse, .nodeExists, .linkExists, .nodeHasLinks, .agentExists: 409
            case .unknownReportedLink, .invalid: 400
            default: 500
            }
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
        case .inventory(let error):
            let message: String
            switch error {
            case .unknownAgentNode(let uuid):
                message =
                    "no node has GS QKD 015 id '\(uuid)': create it with that qkdn_id, or let the controller onboard agents (serve --auto-onboard)"
            case .agentNotRegistered(let uuid):
                message = "the agent of node '\(uuid)' has not registered: POST its qkd_node to /southbound/v1/agents first"
            case .unknownReportedLink(let uuid, let node):
                message = "node '\(node)' has no link with GS QKD 015 id '\(uuid)'"
            case .identityInUse(let uuid, let holder):
                message = "GS QKD 015 id '\(uuid)' already belongs to '\(holder)'"
            case .agentExists(let node, let kind):
                message = "node '\(node)' is managed as an \(kind.rawValue) device; an operator must remove that agent before another registers"
            case .invalid(let failure):
                message = failure.description
            case .nodeNotFound(let id):
                message = "no node '\(id)'"
            case .linkNotFound(let id):
                message = "no link '\(id)'"
            case .nodeExists(let id):
                message = "node '\(id)' exists already"
            case .linkExists(let id):
                message = "link '\(id)' exists already"
            case .nodeHasLinks(let id, let links):
                message = "node '\(id)' still has links \(links.map(\.rawValue).joined(separator: ", "))"
            default:
                // `from(_:)` sends every other inventory error as `.failed`.
                message = "the controller failed to handle the request; its log says why"
            }
            return RESTCONFErrors([.init(tag: status == 404 ? "data-missing" : "invalid-value", message: message)])
        }
    }
}
