/// A QKD node: a site with QKD devices that can hold key and, when trusted, relay it.
public struct QKDNode: Sendable, Hashable {
    public var id: NodeID
    public var name: String
    /// A trusted node may act as a key-relay hop; an untrusted one may only be an end point.
    public var trusted: Bool
    public var location: GeoCoordinate?
    public var site: String?
    /// What the planner or an operator says (a topology file, the API): `admin_status`.
    public var status: NodeStatus
    /// What the node's agent last said of it, or `unreachable` when the agent fell silent; nil
    /// without an agent, or when the agent's tree states no status.
    public var measuredStatus: NodeStatus?
    /// The node's GS QKD 015 identity (`qkdn_id`), by which its agent knows it; the inventory
    /// assigns one when none is given.
    public var qkdnID: QKDUUID?

    public init(
        id: NodeID, name: String? = nil, trusted: Bool = true, location: GeoCoordinate? = nil,
        site: String? = nil, status: NodeStatus = .up, measuredStatus: NodeStatus? = nil, qkdnID: QKDUUID? = nil
    ) {
        self.measuredStatus = measuredStatus
        self.qkdnID = qkdnID
        self.id = id
        self.name = name ?? id.rawValue
        self.trusted = trusted
        self.location = location
        self.site = site
        self.status = status
    }

    /// The status in force, what path computation and admission use: the agent's once it has said,
    /// the planner's before; an operator's `down` always stands.
    public var current: NodeStatus { Self.inForce(planned: status, measured: measuredStatus) }

    public static func inForce(planned: NodeStatus, measured: NodeStatus?) -> NodeStatus {
        planned == .down ? .down : measured ?? planned
    }

    public func validationIssues() -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let issue = TextRules.check(name, field: "name") { issues.append(issue) }
        if let site, let issue = TextRules.check(site, field: "site") { issues.append(issue) }
        if let location { issues += location.validationIssues() }
        return issues
    }

    public func validated() throws(ValidationFailure) -> QKDNode {
        let issues = validationIssues()
        if !issues.isEmpty { throw ValidationFailure(subject: "node '\(id)'", issues: issues) }
        return self
    }
}
