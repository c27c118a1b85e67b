/// What an entry of the event log reports. The raw value is the kind as the API and the stream
/// name it; the part before the dot is its family, which a filter may name to take every kind in it.
public enum EventKind: String, CaseIterable, Sendable {
    case nodeStatus = "node.status"
    case nodeCreated = "node.created"
    case nodeDeleted = "node.deleted"
    case linkStatus = "link.status"
    case linkCreated = "link.created"
    case linkDeleted = "link.deleted"
    case topologyImported = "topology.imported"
    case agentAlarm = "agent.alarm"
    case agentEvent = "agent.event"
    case keyPathCreated = "key_path.created"
    case keyPathState = "key_path.state"
    case keyPathRerouted = "key_path.rerouted"
    case keyPathDeleted = "key_path.deleted"

    /// `node` for `node.status`.
    public var family: String { String(rawValue.prefix { $0 != "." }) }

    /// What a filter may name: each family, followed by its kinds, in declaration order.
    public static let filters: [String] = allCases.reduce(into: []) { filters, kind in
        if !filters.contains(kind.family) { filters.append(kind.family) }
        filters.append(kind.rawValue)
    }

    /// A filter takes the kind itself and every kind of the family it names (`key_path` takes `key_path.state`).
    public func matches(_ filters: [String]) -> Bool {
        filters.isEmpty || filters.contains { $0 == rawValue || $0 == family }
    }
}
