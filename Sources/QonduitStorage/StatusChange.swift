public import QonduitCore

/// A node's or link's status in force changing, as the event log records it (`node.status`,
/// `link.status`).
public enum StatusChange: Sendable, Equatable {
    case node(NodeID, from: NodeStatus, to: NodeStatus)
    case link(LinkID, from: LinkStatus, to: LinkStatus)

    public var kind: EventKind {
        switch self {
        case .node: .nodeStatus
        case .link: .linkStatus
        }
    }

    public var subject: String {
        switch self {
        case .node(let id, _, _): id.rawValue
        case .link(let id, _, _): id.rawValue
        }
    }

    /// The event's fields, as JSON texts.
    public var eventData: [(String, String?)] {
        let (field, from, to) =
            switch self {
            case .node(_, let from, let to): ("node", from.rawValue, to.rawValue)
            case .link(_, let from, let to): ("link", from.rawValue, to.rawValue)
            }
        return [(field, JSONText.string(subject)), ("from", JSONText.string(from)), ("to", JSONText.string(to))]
    }
}
