public import Foundation
public import QonduitCore
public import QonduitStorage
public import QonduitTopology
public import Synchronization

/// An inventory that fails where a test says, around any other: the storage-independent way to
/// inject a failure (no trigger, no reaching into a database).
public final class FaultyInventory: Inventory {
    public let base: any Inventory
    public let faults = Mutex(Faults())

    public struct Faults: Sendable {
        /// A ledger cannot store routes: each new path fails alone, and a re-route pass fails whole.
        public var refuseRoutes = false
        /// A ledger's transaction fails once its body has returned, as a commit that fails would.
        public var refuseCommit = false

        public init() {}
    }

    /// What a fault throws.
    public struct InjectedFault: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ base: any Inventory) {
        self.base = base
    }

    public var clock: any WallClock { base.clock }
    public var revision: Int { base.revision }

    public func waitForChange(from seen: Int) async {
        await base.waitForChange(from: seen)
    }

    public func withKeyPathLedger<T: Sendable>(_ body: @Sendable (any KeyPathLedger) async throws -> T) async throws -> T {
        try await base.withKeyPathLedger { ledger in
            let result = try await body(FaultyLedger(base: ledger, faults: faults.withLock { $0 }))
            if faults.withLock({ $0.refuseCommit }) { throw InjectedFault(description: "injected failure: the transaction does not commit") }
            return result
        }
    }

    public func withKeyPathChanges<T: Sendable>(_ body: @Sendable (any KeyPathChanges) async throws -> T) async throws -> T {
        try await base.withKeyPathChanges { changes in
            let result = try await body(changes)
            if faults.withLock({ $0.refuseCommit }) { throw InjectedFault(description: "injected failure: the transaction does not commit") }
            return result
        }
    }

    // MARK: NetworkStore

    public func nodes(limit: Int, offset: Int) async throws -> Page<Stored<QKDNode>> {
        try await base.nodes(limit: limit, offset: offset)
    }

    public func node(_ id: String) async throws -> Stored<QKDNode> {
        try await base.node(id)
    }

    public func createNode(_ node: QKDNode) async throws -> Stored<QKDNode> {
        try await base.createNode(node)
    }

    public func updateNode(_ id: String, _ change: @Sendable (inout QKDNode) throws -> Void) async throws -> Stored<QKDNode> {
        try await base.updateNode(id, change)
    }

    @discardableResult
    public func deleteNode(_ id: String, cascade: Bool) async throws -> [LinkID] {
        try await base.deleteNode(id, cascade: cascade)
    }

    public func links(limit: Int, offset: Int) async throws -> Page<Stored<QKDLink>> {
        try await base.links(limit: limit, offset: offset)
    }

    public func link(_ id: String) async throws -> Stored<QKDLink> {
        try await base.link(id)
    }

    public func createLink(_ link: QKDLink) async throws -> Stored<QKDLink> {
        try await base.createLink(link)
    }

    public func updateLink(_ id: String, operatorHold: Bool, _ change: @Sendable (inout QKDLink) throws -> Void) async throws -> Stored<QKDLink> {
        try await base.updateLink(id, operatorHold: operatorHold, change)
    }

    public func deleteLink(_ id: String) async throws {
        try await base.deleteLink(id)
    }

    public func topology() async throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>]) {
        try await base.topology()
    }

    public func topologyAndReservations() async throws -> (nodes: [Stored<QKDNode>], links: [Stored<QKDLink>], reservedBps: [LinkID: Double]) {
        try await base.topologyAndReservations()
    }

    public func reservedBps() async throws -> [LinkID: Double] {
        try await base.reservedBps()
    }

    public func linkOperationalState() async throws -> LinkOperationalState {
        try await base.linkOperationalState()
    }

    public func qkdnIDs(of nodes: Set<NodeID>) async throws -> [NodeID: QKDUUID] {
        try await base.qkdnIDs(of: nodes)
    }

    public func census() async throws -> NetworkCensus {
        try await base.census()
    }

    public func importTopology(_ draft: TopologyDraft, file: String, mode: ImportMode, fiberModel: FiberLinkModel) async throws -> ImportSummary {
        try await base.importTopology(draft, file: file, mode: mode, fiberModel: fiberModel)
    }

    // MARK: KeyPathStore

    @discardableResult
    public func keyPath(_ id: String) async throws -> Stored<QKDKeyPath> {
        try await base.keyPath(id)
    }

    public func keyPaths(_ filter: KeyPathFilter, limit: Int, offset: Int) async throws -> Page<Stored<QKDKeyPath>> {
        try await base.keyPaths(filter, limit: limit, offset: offset)
    }

    public func keyPathsTouching(_ node: NodeID) async throws -> KeyPathsTouchingNode {
        try await base.keyPathsTouching(node)
    }

    public func keyPathsToRepair(
        qberThreshold: Double?, includingWaiting: @Sendable (NetworkHeadroom) -> Bool
    ) async throws -> (ids: [QKDUUID], headroom: NetworkHeadroom) {
        try await base.keyPathsToRepair(qberThreshold: qberThreshold, includingWaiting: includingWaiting)
    }

    // MARK: AgentStore

    public func registerAgent(_ registration: AgentRegistration, autoOnboard: Bool, heartbeatIntervalMs: Int) async throws -> AgentRegistrationResult
    {
        try await base.registerAgent(registration, autoOnboard: autoOnboard, heartbeatIntervalMs: heartbeatIntervalMs)
    }

    @discardableResult
    public func applyAgentReports(from qkdnID: QKDUUID, _ reports: [AgentReport]) async throws -> AgentReportOutcome {
        try await base.applyAgentReports(from: qkdnID, reports)
    }

    public func markSilentAgentsUnreachable(missedIntervals: Int, now: Date) async throws -> [NodeID] {
        try await base.markSilentAgentsUnreachable(missedIntervals: missedIntervals, now: now)
    }

    public func agents() async throws -> [AgentInfo] {
        try await base.agents()
    }

    public func agent(of node: String) async throws -> AgentInfo? {
        try await base.agent(of: node)
    }

    public func agents(limit: Int, offset: Int) async throws -> Page<AgentInfo> {
        try await base.agents(limit: limit, offset: offset)
    }

    public func setDesiredLink(node: NodeID, qkdlID: QKDUUID, entry: String) async throws {
        try await base.setDesiredLink(node: node, qkdlID: qkdlID, entry: entry)
    }

    public func removeDesiredLink(node: NodeID, qkdlID: QKDUUID) async throws {
        try await base.removeDesiredLink(node: node, qkdlID: qkdlID)
    }

    public func desiredLinks(of node: NodeID) async throws -> [(qkdlID: QKDUUID, entry: String)] {
        try await base.desiredLinks(of: node)
    }

    public func setDesiredApplication(node: NodeID, appID: QKDUUID, entry: String) async throws {
        try await base.setDesiredApplication(node: node, appID: appID, entry: entry)
    }

    public func removeDesiredApplication(node: NodeID, appID: QKDUUID) async throws {
        try await base.removeDesiredApplication(node: node, appID: appID)
    }

    public func desiredApplications(of node: NodeID) async throws -> [(appID: QKDUUID, entry: String)] {
        try await base.desiredApplications(of: node)
    }

    public func recordReconciliation(node: NodeID, drift: Int, error: String?, at time: Date) async throws {
        try await base.recordReconciliation(node: node, drift: drift, error: error, at: time)
    }

    public func agentAddress(of node: NodeID) async throws -> (restconfURL: String, state: AgentState)? {
        try await base.agentAddress(of: node)
    }

    public func agentTree(of node: String) async throws -> String? {
        try await base.agentTree(of: node)
    }

    public func onboardAgent(
        node: NodeID, _ registration: AgentRegistration, encoding: AgentEncoding, pollIntervalMs: Int, sealedCredential: [UInt8]?, yangPatch: Bool,
        tlsCA: String?
    ) async throws -> AgentRegistrationResult {
        try await base.onboardAgent(
            node: node, registration, encoding: encoding, pollIntervalMs: pollIntervalMs, sealedCredential: sealedCredential, yangPatch: yangPatch,
            tlsCA: tlsCA)
    }

    public func removeAgent(of node: String) async throws {
        try await base.removeAgent(of: node)
    }

    public func onboardedAgents() async throws -> [OnboardedAgent] {
        try await base.onboardedAgents()
    }

    public func agentAccess(at restconfURL: String) async throws -> AgentAccess? {
        try await base.agentAccess(at: restconfURL)
    }

    public func recordCreateOnly(at restconfURL: String) async throws {
        try await base.recordCreateOnly(at: restconfURL)
    }

    public func resetWriteMethods() async throws {
        try await base.resetWriteMethods()
    }

    @discardableResult
    public func recordPoll(of node: NodeID, _ registration: AgentRegistration, etag: String?) async throws -> Bool {
        try await base.recordPoll(of: node, registration, etag: etag)
    }

    public func recordPollUnchanged(of node: NodeID) async throws {
        try await base.recordPollUnchanged(of: node)
    }

    public func recordPollFailure(of node: NodeID, error: String) async throws {
        try await base.recordPollFailure(of: node, error: error)
    }

    public func recordStream(of node: NodeID, state: DeviceStreamState, error: String?) async throws {
        try await base.recordStream(of: node, state: state, error: error)
    }

    // MARK: AccessStore

    public func createAPIToken(role: Role, description: String?, expiresAt: Date?, createdBy: String?) async throws -> (APIToken, AccessSecret) {
        try await base.createAPIToken(role: role, description: description, expiresAt: expiresAt, createdBy: createdBy)
    }

    public func createFirstAdminToken(deliver: @Sendable (APIToken, AccessSecret) throws -> Void) async throws -> APIToken? {
        try await base.createFirstAdminToken(deliver: deliver)
    }

    public func apiTokens() async throws -> [APIToken] {
        try await base.apiTokens()
    }

    public func revokeAPIToken(_ id: String) async throws -> APIToken {
        try await base.revokeAPIToken(id)
    }

    public func authenticateAPIToken(_ text: String) async throws -> APIToken? {
        try await base.authenticateAPIToken(text)
    }

    public func createSession(for token: APIToken, lifetime: Duration) async throws -> (APISession, AccessSecret) {
        try await base.createSession(for: token, lifetime: lifetime)
    }

    public func authenticateSession(_ text: String) async throws -> APISession? {
        try await base.authenticateSession(text)
    }

    public func endSession(_ text: String) async throws {
        try await base.endSession(text)
    }

    public func issueAgentCredential(for qkdnID: QKDUUID, createdBy: String?) async throws -> (AgentCredentialInfo, AccessSecret) {
        try await base.issueAgentCredential(for: qkdnID, createdBy: createdBy)
    }

    public func agentCredentials(for qkdnID: QKDUUID?) async throws -> [AgentCredentialInfo] {
        try await base.agentCredentials(for: qkdnID)
    }

    public func revokeAgentCredential(_ id: String) async throws -> AgentCredentialInfo {
        try await base.revokeAgentCredential(id)
    }

    public func authenticateAgent(_ text: String) async throws -> AgentCredentialInfo? {
        try await base.authenticateAgent(text)
    }

    public func controllerProof(forAgentAt restconfURL: String) async throws -> String? {
        try await base.controllerProof(forAgentAt: restconfURL)
    }

    // MARK: LogStore

    public func events(after id: Int64, limit: Int) async throws -> [InventoryEvent] {
        try await base.events(after: id, limit: limit)
    }

    public func events(about subject: String, limit: Int) async throws -> [InventoryEvent] {
        try await base.events(about: subject, limit: limit)
    }

    public func eventLogBounds() async throws -> (oldest: Int64?, latest: Int64) {
        try await base.eventLogBounds()
    }

    public func setEventRetention(_ keep: Int) async throws {
        try await base.setEventRetention(keep)
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await base.appendAudit(entry)
    }

    public func appendAudit(_ entries: [AuditEntry]) async throws {
        try await base.appendAudit(entries)
    }

    public func audit(_ filter: AuditFilter, limit: Int, offset: Int) async throws -> Page<AuditEntry> {
        try await base.audit(filter, limit: limit, offset: offset)
    }

    public func setAuditRetention(_ keep: Int) async throws {
        try await base.setAuditRetention(keep)
    }

    // MARK: ControllerLease

    public func claimLease(for controller: ControllerIdentity, epoch: Int64?, ttl: Duration) async throws -> LeaseState {
        try await base.claimLease(for: controller, epoch: epoch, ttl: ttl)
    }

    public func releaseLease(of controller: String, epoch: Int64) async throws {
        try await base.releaseLease(of: controller, epoch: epoch)
    }

    public func breakLease() async throws {
        try await base.breakLease()
    }

    public func controllers(seenWithin: Duration) async throws -> [ControllerInfo] {
        try await base.controllers(seenWithin: seenWithin)
    }

    public func fenceWrites(_ fencing: WriteFencing, lost: @escaping @Sendable () -> Void) {
        base.fenceWrites(fencing, lost: lost)
    }
}
