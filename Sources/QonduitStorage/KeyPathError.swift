public import QonduitCore

/// Why the key-path store or its ledger refused a request.
public enum KeyPathError: Error, Sendable, Equatable {
    case keyPathNotFound(String)
    /// A plan would put more on a link than its key rate allows.
    case overReservation(link: LinkID, keyRateBps: Double, reservedBps: Double, askedBps: Double)
    /// A plan would reserve rate on a link that is not up.
    case linkNotUp(LinkID, status: LinkStatus)
}
