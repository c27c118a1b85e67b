public import QonduitCore
public import QonduitPathEngine

/// Why a key path could not be provisioned; the API and CLI word each case.
public enum ProvisioningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No route meets the request: the path engine's reason names the constraint or link.
    case unroutable(PathComputationError)
    /// The request itself is inconsistent (a field and why).
    case invalidRequest(field: String, message: String)
    /// A node of the path has no GS QKD 015 identity to configure it by.
    case unidentifiedNode(NodeID)
    /// The controller's own bookkeeping disagrees with itself (a path reserved in a batch is missing
    /// once the batch commits): a fault of the controller, never of the request.
    case inconsistent(String)

    /// As a key path's `reason` and a log line say it.
    public var description: String {
        switch self {
        case .unroutable(let error): "no route: \(error)"
        case .invalidRequest(let field, let message): "\(field) \(message)"
        case .unidentifiedNode(let node): "node '\(node)' has no GS QKD 015 id to configure it by"
        case .inconsistent(let what): "internal inconsistency: \(what)"
        }
    }
}
