import Foundation
import QonduitCore
import QonduitStorage
import Testing

/// One leader among the controllers sharing a store, with an epoch that grows at each change of hands.
struct LeaseChecks {
    let storage: StorageUnderTest

    static let a = ControllerIdentity(id: "ctl-a", advertiseURL: "http://a.example:8080")
    static let b = ControllerIdentity(id: "ctl-b", advertiseURL: "http://b.example:8080")

    func theFirstClaimLeadsAndRenewingKeepsTheEpoch() async throws {
        let inventory = try await storage.store()
        let first = try await inventory.claimLease(for: Self.a, epoch: nil, ttl: .seconds(30))
        #expect(first.isHeld(by: Self.a.id) && first.epoch >= 1 && first.holderURL == Self.a.advertiseURL, "\(first)")
        let renewed = try await inventory.claimLease(for: Self.a, epoch: first.epoch, ttl: .seconds(30))
        #expect(renewed.isHeld(by: Self.a.id) && renewed.epoch == first.epoch && renewed.expiresAt >= first.expiresAt, "\(renewed)")
        let other = try await inventory.claimLease(for: Self.b, epoch: nil, ttl: .seconds(30))
        #expect(other.holder == Self.a.id && !other.isHeld(by: Self.b.id) && other.epoch == first.epoch, "b follows: \(other)")

        let listed = try await inventory.controllers(seenWithin: .seconds(60))
        #expect(listed.map(\.id) == [Self.a.id, Self.b.id])
        #expect(listed.first?.leader == true && listed.first?.epoch == first.epoch && listed.first?.leaseExpiresAt == renewed.expiresAt)
        #expect(listed.last?.leader == false && listed.last?.epoch == nil && listed.last?.advertiseURL == Self.b.advertiseURL)
    }

    func aReleasedOrExpiredLeasePassesOnWithTheNextEpoch() async throws {
        let clock = ManualWallClock()
        let inventory = try await storage.store(clock: clock)
        let first = try await inventory.claimLease(for: Self.a, epoch: nil, ttl: .seconds(30))
        try await inventory.releaseLease(of: Self.a.id, epoch: first.epoch)
        let second = try await inventory.claimLease(for: Self.b, epoch: nil, ttl: .seconds(30))
        #expect(second.isHeld(by: Self.b.id) && second.epoch == first.epoch + 1, "\(second)")
        let stale = try await inventory.claimLease(for: Self.a, epoch: first.epoch, ttl: .seconds(30))
        #expect(stale.holder == Self.b.id && stale.epoch == second.epoch, "the old epoch renews nothing: \(stale)")
        try await inventory.releaseLease(of: Self.a.id, epoch: first.epoch)
        #expect(try await inventory.claimLease(for: Self.b, epoch: second.epoch, ttl: .seconds(30)).isHeld(by: Self.b.id), "nor releases")

        // A lease not renewed in time expires; whoever claims next takes it, in the next epoch.
        let short = try await inventory.claimLease(for: Self.b, epoch: second.epoch, ttl: .milliseconds(1))
        clock.advance(by: 1)
        try await Task.sleep(for: .milliseconds(5))  // the database's own clock moves a millisecond too
        let taken = try await inventory.claimLease(for: Self.a, epoch: nil, ttl: .seconds(30))
        #expect(taken.isHeld(by: Self.a.id) && taken.epoch == short.epoch + 1, "\(taken)")

        try await inventory.breakLease()
        let broken = try await inventory.claimLease(for: Self.b, epoch: nil, ttl: .seconds(30))
        #expect(broken.isHeld(by: Self.b.id) && broken.epoch == taken.epoch + 1, "a broken lease is free at once: \(broken)")
    }

    static let checks: [StorageCheck] = [
        StorageCheck("theFirstClaimLeadsAndRenewingKeepsTheEpoch") { try await Self(storage: $0).theFirstClaimLeadsAndRenewingKeepsTheEpoch() },
        StorageCheck("aReleasedOrExpiredLeasePassesOnWithTheNextEpoch") {
            try await Self(storage: $0).aReleasedOrExpiredLeasePassesOnWithTheNextEpoch()
        },
    ]
}
