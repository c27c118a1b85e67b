public import QonduitCore

extension ReportedLink {
    /// What one end reports of its link, checked by `QKDLink.validationIssues`' rules and quantised as
    /// the store keeps it.
    public func measurement() throws(NetworkError) -> LinkMeasurement {
        if let rate = keyRateBps, !rate.isFinite || rate < 0 {
            throw .invalid(
                ValidationFailure(
                    subject: "link \(qkdlID)", issues: [.init(field: "key_rate_bps", message: "must be a non-negative number of bit/s, got \(rate)")])
            )
        }
        if let qber, !qber.isFinite || qber < 0 || qber > 1 {
            throw .invalid(
                ValidationFailure(
                    subject: "link \(qkdlID)", issues: [.init(field: "qber", message: "must be a fraction between 0 and 1, got \(qber)")]))
        }
        return LinkMeasurement(
            status: status, keyRateBps: keyRateBps.map { Precision.rounded($0, fractionDigits: Precision.keyRateFractionDigits) },
            qber: qber.map { Precision.rounded($0, fractionDigits: Precision.qberFractionDigits) })
    }
}

extension QKDLink {
    /// The link with `measurement` taken as what `node` (one of its ends) reports of it now.
    public func measured(_ measurement: LinkMeasurement, by node: NodeID) -> QKDLink {
        var link = self
        if link.nodeA == node {
            link.measuredAtA = (link.measuredAtA ?? LinkMeasurement()).updated(by: measurement)
        } else {
            link.measuredAtB = (link.measuredAtB ?? LinkMeasurement()).updated(by: measurement)
        }
        return link
    }
}
