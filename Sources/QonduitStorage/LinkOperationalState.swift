public import QonduitCore

/// What the inventory keeps about links beside their values: the key rate key paths reserve on
/// each, and which an operator holds down (set down through the API: imports leave them down).
public struct LinkOperationalState: Sendable {
    public var reservedBps: [LinkID: Double]
    public var heldDown: Set<LinkID>

    public init(reservedBps: [LinkID: Double] = [:], heldDown: Set<LinkID> = []) {
        self.reservedBps = reservedBps
        self.heldDown = heldDown
    }
}
