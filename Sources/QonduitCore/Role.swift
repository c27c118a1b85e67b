/// What an operator's API token may do. Each role may do everything the roles below it may.
public enum Role: String, Sendable, CaseIterable, Comparable {
    /// Reads: inventory, key paths, events, path computation.
    case viewer
    /// Provisions and changes key paths, changes link status, imports topologies.
    case `operator`
    /// Manages tokens, agent credentials, nodes and links, deletes; reads the audit log.
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// Whether a holder of this role may do what `required` allows.
    public func allows(_ required: Role) -> Bool { self >= required }
}
