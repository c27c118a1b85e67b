public import Foundation
public import QonduitCore

/// Node agents and devices: registration, what they report and what polls read, whether they are
/// heard from, how to reach them, and the entries an operator set by hand for them to hold.
public protocol AgentStore: Sendable {
    /// Records an agent for the node whose `qkdn_id` it reports, creating that node when
    /// `autoOnboard` allows; applies the node state and link measures it reports.
    func registerAgent(_ registration: AgentRegistration, autoOnboard: Bool, heartbeatIntervalMs: Int) async throws -> AgentRegistrationResult
    /// Applies what a registered agent reports after registering. Each sender's reports stand or
    /// fail together, and alone.
    @discardableResult
    func applyAgentReports(from qkdnID: QKDUUID, _ reports: [AgentReport]) async throws -> AgentReportOutcome
    /// Marks unreachable every reachable agent not heard from for `missedIntervals` of its
    /// heartbeat intervals (as of `now`), and its node; returns those nodes.
    func markSilentAgentsUnreachable(missedIntervals: Int, now: Date) async throws -> [NodeID]

    func agents() async throws -> [AgentInfo]
    /// Node `node`'s agent; nil when it has none.
    func agent(of node: String) async throws -> AgentInfo?
    /// A page of the agents, ordered by node id, with how many there are.
    func agents(limit: Int, offset: Int) async throws -> Page<AgentInfo>

    /// Sets the `qkd_link` entry (configuration XML) node `node`'s agent should have for `qkdlID`.
    func setDesiredLink(node: NodeID, qkdlID: QKDUUID, entry: String) async throws
    func removeDesiredLink(node: NodeID, qkdlID: QKDUUID) async throws
    /// The entries set by hand that node `node`'s agent should have, by link.
    func desiredLinks(of node: NodeID) async throws -> [(qkdlID: QKDUUID, entry: String)]
    /// Sets the `qkd_app` entry (configuration XML) node `node`'s agent should have for `appID`.
    func setDesiredApplication(node: NodeID, appID: QKDUUID, entry: String) async throws
    func removeDesiredApplication(node: NodeID, appID: QKDUUID) async throws
    /// The applications set by hand that node `node`'s agent should have, by app_id.
    func desiredApplications(of node: NodeID) async throws -> [(appID: QKDUUID, entry: String)]
    /// Records a reconciliation pass over node `node`'s agent.
    func recordReconciliation(node: NodeID, drift: Int, error: String?, at time: Date) async throws

    /// Where node `node`'s agent serves RESTCONF and whether it is heard from; nil when it has none.
    func agentAddress(of node: NodeID) async throws -> (restconfURL: String, state: AgentState)?
    /// The `qkd_node` document the node's agent last sent or a poll last read; nil when none.
    func agentTree(of node: String) async throws -> String?

    /// Records a device onboarded by address for node `node`, whose tree was just read: the node takes
    /// the device's `qkdn_id` (the device is the authority on its identity), and the tree's state is
    /// applied as a registration's is.
    func onboardAgent(
        node: NodeID, _ registration: AgentRegistration, encoding: AgentEncoding, pollIntervalMs: Int, sealedCredential: [UInt8]?,
        yangPatch: Bool, tlsCA: String?
    ) async throws -> AgentRegistrationResult
    /// Stops managing node `node`'s agent, of either kind (the device itself is not touched); its key
    /// pools go with it. The node stays, with the planner's status: nothing reports it any more.
    func removeAgent(of node: String) async throws
    /// The devices onboarded by address, for the poller.
    func onboardedAgents() async throws -> [OnboardedAgent]
    /// How to reach the agent serving RESTCONF at `restconfURL`; nil when no agent has that address.
    func agentAccess(at restconfURL: String) async throws -> AgentAccess?
    /// The device at `restconfURL` refused PUT and PATCH: it is configured by RFC 8040 create from now on.
    func recordCreateOnly(at restconfURL: String) async throws
    /// Every device is tried with the standard methods again (a controller starting: a device may have been upgraded).
    func resetWriteMethods() async throws
    /// Applies a tree a poll read. A tree of another `qkdn_id` than the node's is not applied: the
    /// agent is flagged and made unreachable, so that nothing configures a device that is not the
    /// node. Returns whether the agent was unreachable before.
    @discardableResult
    func recordPoll(of node: NodeID, _ registration: AgentRegistration, etag: String?) async throws -> Bool
    /// A conditional poll found the tree unchanged (304): the device is heard from.
    func recordPollUnchanged(of node: NodeID) async throws
    /// A poll failed: why, for the operator.
    func recordPollFailure(of node: NodeID, error: String) async throws
    /// Records the state of an onboarded device's notification stream; only a change is written.
    func recordStream(of node: NodeID, state: DeviceStreamState, error: String?) async throws
}

extension AgentStore {
    public func markSilentAgentsUnreachable(missedIntervals: Int) async throws -> [NodeID] {
        try await markSilentAgentsUnreachable(missedIntervals: missedIntervals, now: Date())
    }

    public func recordReconciliation(node: NodeID, drift: Int, error: String?) async throws {
        try await recordReconciliation(node: node, drift: drift, error: error, at: Date())
    }

    public func onboardAgent(
        node: NodeID, _ registration: AgentRegistration, encoding: AgentEncoding, pollIntervalMs: Int, sealedCredential: [UInt8]?
    ) async throws -> AgentRegistrationResult {
        try await onboardAgent(
            node: node, registration, encoding: encoding, pollIntervalMs: pollIntervalMs, sealedCredential: sealedCredential, yangPatch: false,
            tlsCA: nil)
    }
}
