/// A QKD link between two nodes; it produces secret key at `keyRateBps` and may be used in either direction.
public struct QKDLink: Sendable, Hashable {
    public var id: LinkID
    public var nodeA: NodeID
    public var nodeB: NodeID
    public var lengthKm: Double
    /// Secret key rate the link produces, in bit/s.
    public var keyRateBps: Double
    public var status: LinkStatus
    /// Quantum bit error rate as a fraction (0.02 = 2 %).
    public var qber: Double?
    /// The link's GS QKD 015 identity (`qkdl_id`); the inventory assigns one when none is given.
    public var qkdlID: QKDUUID?

    public init(
        id: LinkID, nodeA: NodeID, nodeB: NodeID, lengthKm: Double, keyRateBps: Double,
        status: LinkStatus = .up, qber: Double? = nil, qkdlID: QKDUUID? = nil
    ) {
        self.qkdlID = qkdlID
        self.id = id
        self.nodeA = nodeA
        self.nodeB = nodeB
        self.lengthKm = lengthKm
        self.keyRateBps = keyRateBps
        self.status = status
        self.qber = qber
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

    /// Problems with the link's own fields; whether its nodes exist is the inventory's concern.
    public func validationIssues() -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if nodeA == nodeB {
            issues.append(.init(field: "node_b", message: "must differ from node_a ('\(nodeA)'): a link joins two nodes"))
        }
        if !lengthKm.isFinite || lengthKm < 0 || lengthKm > Self.maxLengthKm {
            issues.append(.init(field: "length_km", message: "must be a non-negative number of kilometres, at most \(Int(Self.maxLengthKm)), got \(lengthKm)"))
        }
        if !keyRateBps.isFinite || keyRateBps < 0 || keyRateBps > Self.maxKeyRateBps {
            issues.append(.init(field: "key_rate_bps", message: "must be a non-negative number of bit/s, at most 1e12, got \(keyRateBps)"))
        }
        if let qber, !qber.isFinite || qber < 0 || qber > 1 {
            issues.append(.init(field: "qber", message: "must be a fraction between 0 and 1, got \(qber)"))
        }
        return issues
    }

    public func validated() throws(ValidationFailure) -> QKDLink {
        let issues = validationIssues()
        if !issues.isEmpty { throw ValidationFailure(subject: "link '\(id)'", issues: issues) }
        return self
    }
}
