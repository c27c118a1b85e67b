/// A QKD link between two nodes; it produces secret key and may be used in either direction.
///
/// Two views of the link are kept apart: what the planner and the operator say (`keyRateBps`,
/// `qber`, `status`: a topology file's or the API's values) and what the agents at its ends measure
/// (`measuredAtA`, `measuredAtB`). `current` is what is in force for path computation and admission.
public struct QKDLink: Sendable, Hashable {
    public var id: LinkID
    public var nodeA: NodeID
    public var nodeB: NodeID
    public var lengthKm: Double
    /// The planner's nominal secret key rate, in bit/s.
    public var keyRateBps: Double
    /// The operator's (or the planner's) status: `down` takes the link out of service whatever its agents say.
    public var status: LinkStatus
    /// The planner's quantum bit error rate as a fraction (0.02 = 2 %).
    public var qber: Double?
    /// The operator's cost of using the link, for the `cost` metric.
    public var cost: Double
    /// The link's GS QKD 015 identity (`qkdl_id`); the inventory assigns one when none is given.
    public var qkdlID: QKDUUID?
    /// What the agents at `nodeA` and `nodeB` last reported of the link; nil until one reports.
    public var measuredAtA: LinkMeasurement?
    public var measuredAtB: LinkMeasurement?

    public init(
        id: LinkID, nodeA: NodeID, nodeB: NodeID, lengthKm: Double, keyRateBps: Double,
        status: LinkStatus = .up, qber: Double? = nil, cost: Double = 1, qkdlID: QKDUUID? = nil,
        measuredAtA: LinkMeasurement? = nil, measuredAtB: LinkMeasurement? = nil
    ) {
        self.qkdlID = qkdlID
        self.id = id
        self.nodeA = nodeA
        self.nodeB = nodeB
        self.lengthKm = lengthKm
        self.keyRateBps = keyRateBps
        self.status = status
        self.qber = qber
        self.cost = cost
        self.measuredAtA = measuredAtA
        self.measuredAtB = measuredAtB
    }

    /// Both ends' reports combined: the worse status, the lower rate, the higher QBER.
    public var measured: LinkMeasurement? { LinkMeasurement.combining(measuredAtA, measuredAtB) }

    /// The link's condition in force. Admission reserves what the link is measured to produce (the
    /// key the nodes really have), and the planner's nominal rate until an agent reports one. The
    /// agents' status is authoritative once reported, except that an operator's `down` always stands.
    public var current: LinkCondition {
        let measured = measured
        return LinkCondition(
            status: status == .down ? .down : measured?.status ?? status,
            keyRateBps: measured?.keyRateBps ?? keyRateBps,
            qber: measured?.qber ?? qber
        )
    }

    /// The end opposite `node`, or nil when `node` is not an end of this link.
    public func otherEnd(of node: NodeID) -> NodeID? {
        if node == nodeA { return nodeB }
        if node == nodeB { return nodeA }
        return nil
    }

    /// Longer than the Earth's circumference is no fiber; bounds keep every later sum finite.
    public static let maxLengthKm = 40_075.0
    /// A terabit per second of secret key is orders of magnitude beyond any QKD system.
    public static let maxKeyRateBps = 1e12
    /// Costs are the operator's own scale; a bound keeps every sum of them finite.
    public static let maxCost = 1e12

    /// Problems with the link's own fields; whether its nodes exist is the inventory's concern.
    public func validationIssues() -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if nodeA == nodeB {
            issues.append(.init(field: "node_b", message: "must differ from node_a ('\(nodeA)'): a link joins two nodes"))
        }
        if !lengthKm.isFinite || lengthKm < 0 || lengthKm > Self.maxLengthKm {
            issues.append(
                .init(field: "length_km", message: "must be a non-negative number of kilometres, at most \(Int(Self.maxLengthKm)), got \(lengthKm)"))
        }
        if !keyRateBps.isFinite || keyRateBps < 0 || keyRateBps > Self.maxKeyRateBps {
            issues.append(.init(field: "key_rate_bps", message: "must be a non-negative number of bit/s, at most 1e12, got \(keyRateBps)"))
        }
        if let qber, !qber.isFinite || qber < 0 || qber > 1 {
            issues.append(.init(field: "qber", message: "must be a fraction between 0 and 1, got \(qber)"))
        }
        if !cost.isFinite || cost < 0 || cost > Self.maxCost {
            issues.append(.init(field: "cost", message: "must be a non-negative number, at most 1e12, got \(cost)"))
        }
        return issues
    }

    public func validated() throws(ValidationFailure) -> QKDLink {
        let issues = validationIssues()
        if !issues.isEmpty { throw ValidationFailure(subject: "link '\(id)'", issues: issues) }
        return self
    }
}
