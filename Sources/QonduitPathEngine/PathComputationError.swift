public import QonduitCore

/// Why no path was returned, in words an operator can act on.
public enum PathComputationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownNode(String)
    case unknownLink(String)
    case sameEnds(NodeID)
    case invalidRequest(String)
    /// No path meets the constraints; `reason` names the constraint that ruled out the last candidates.
    case noPath(source: NodeID, destination: NodeID, reason: String)
    /// The search gave up within its budget rather than return an answer that might not be the best.
    case searchLimit(String)

    public var description: String {
        switch self {
        case .unknownNode(let id): "no node with id '\(id)'"
        case .unknownLink(let id): "no link with id '\(id)'"
        case .sameEnds(let id): "source and destination are both '\(id)'"
        case .invalidRequest(let message): message
        case .noPath(_, _, let reason): reason
        case .searchLimit(let message): message
        }
    }
}
