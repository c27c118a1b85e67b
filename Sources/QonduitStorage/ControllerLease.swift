public import Foundation

/// Which of the controllers sharing a store leads: a lease (holder, epoch, expiry) taken and renewed
/// with the store's clock. The epoch grows at every change of holder (and when a holder whose lease
/// lapsed takes it again), so that whatever a deposed leader sends is recognisably older than what
/// its successor sends.
public protocol ControllerLease: Sendable {
    /// Records `controller` as alive, and takes the lease for it when it is free or has expired, or
    /// renews it when `controller` holds it in `epoch` and it has not expired. Returns the lease as it
    /// stands after, as the store's clock sees it.
    func claimLease(for controller: ControllerIdentity, epoch: Int64?, ttl: Duration) async throws -> LeaseState
    /// Gives the lease up at once if `controller` holds it in `epoch`: another takes over without
    /// waiting for it to expire (a controller stopping).
    func releaseLease(of controller: String, epoch: Int64) async throws
    /// The lease is free at once, whoever holds it: for a store one controller alone can open (an
    /// SQLite file it holds the lock of), whose previous holder is known to be gone.
    func breakLease() async throws
    /// The controllers seen within `seenWithin`, each with whether it holds the lease.
    func controllers(seenWithin: Duration) async throws -> [ControllerInfo]
    /// What every write transaction of this store checks from now on (see `WriteFencing`);
    /// `lost` is called when a write finds the lease no longer this controller's.
    func fenceWrites(_ fencing: WriteFencing, lost: @escaping @Sendable () -> Void)
}

/// A controller as the others see it.
public struct ControllerIdentity: Sendable, Equatable {
    public var id: String
    /// Where its API is reached (`serve --advertise-url`): followers forward writes there.
    public var advertiseURL: String

    public init(id: String, advertiseURL: String) {
        self.id = id
        self.advertiseURL = advertiseURL
    }
}

/// The lease as a claim left it.
public struct LeaseState: Sendable, Equatable {
    /// The controller holding it; nil before anyone ever did.
    public var holder: String?
    /// Where the holder is reached; nil when there is none.
    public var holderURL: String?
    public var epoch: Int64
    public var expiresAt: Date
    /// The store's clock when the claim was made.
    public var now: Date

    public init(holder: String?, holderURL: String?, epoch: Int64, expiresAt: Date, now: Date) {
        self.holder = holder
        self.holderURL = holderURL
        self.epoch = epoch
        self.expiresAt = expiresAt
        self.now = now
    }

    /// Whether `controller` holds it, unexpired.
    public func isHeld(by controller: String) -> Bool { holder == controller && expiresAt > now }
}

/// One controller, for `GET /api/v1/controllers`.
public struct ControllerInfo: Sendable, Equatable {
    public var id: String
    public var advertiseURL: String
    public var leader: Bool
    /// The lease's epoch and expiry, for the leader; nil for the others.
    public var epoch: Int64?
    public var leaseExpiresAt: Date?
    public var lastSeenAt: Date

    public init(id: String, advertiseURL: String, leader: Bool, epoch: Int64?, leaseExpiresAt: Date?, lastSeenAt: Date) {
        self.id = id
        self.advertiseURL = advertiseURL
        self.leader = leader
        self.epoch = epoch
        self.leaseExpiresAt = leaseExpiresAt
        self.lastSeenAt = lastSeenAt
    }
}

/// What a store's write transactions check before they commit.
public enum WriteFencing: Sendable, Equatable {
    /// Nothing: one controller alone writes (an SQLite file it holds the lock of; a test).
    case open
    /// Only while `controller` holds the lease in `epoch`: a deposed leader commits nothing.
    case leader(controller: String, epoch: Int64)
    /// No write at all: a follower's writes go to the leader.
    case follower
}

/// A write refused by the fencing: this controller does not hold the lease (any more).
public struct NotLeader: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "this controller does not hold the leader lease: writes go to the leader" }
}
