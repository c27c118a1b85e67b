public import QonduitCore

/// What the network holds at one moment, counted for metrics: key paths by state, links by status,
/// key rate produced and reserved, agents by kind and state. Every known category is present (zero
/// when empty), so that a scrape sees a state go to zero rather than vanish.
public struct NetworkCensus: Sendable, Equatable {
    public var keyPaths: [KeyPathState: Int]
    public var links: [LinkStatus: Int]
    /// Sum of the key rate of the links that are up.
    public var keyRateBps: Double
    /// Sum of what key paths reserve on links.
    public var reservedBps: Double
    /// Agents by kind (`registered`, `onboarded`) and state.
    public var agents: [AgentKindAndState: Int]

    public struct AgentKindAndState: Hashable, Sendable {
        public var kind: String
        public var state: AgentState

        public init(kind: String, state: AgentState) {
            self.kind = kind
            self.state = state
        }
    }

    public init(keyPaths: [KeyPathState: Int], links: [LinkStatus: Int], keyRateBps: Double, reservedBps: Double, agents: [AgentKindAndState: Int]) {
        self.keyPaths = keyPaths
        self.links = links
        self.keyRateBps = keyRateBps
        self.reservedBps = reservedBps
        self.agents = agents
    }
}
