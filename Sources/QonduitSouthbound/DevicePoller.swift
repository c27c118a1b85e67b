import Foundation
public import Logging
import QonduitCore
import QonduitETSI
public import QonduitStorage
public import ServiceLifecycle
import Synchronization

/// Polls each device onboarded by address every `poll_interval_ms`: reads its tree (conditionally,
/// when the device gave an entity tag) and applies it as a registration is applied, so that node
/// status, links' status, key rate and QBER follow the device. A poll that fails is recorded; the
/// liveness monitor marks the device unreachable once `--missed-heartbeats` polls have failed, and
/// the next poll that succeeds brings it back (the reconciler then makes its configuration match).
public final class DevicePoller: Service, Sendable {
    let inventory: any Inventory
    let restconf: AgentRESTCONFClient
    let logger: Logger
    /// Polls in flight at once: a thousand devices at 5 s is two hundred a second.
    let concurrency: Int
    /// When each device is next due.
    private let due = Mutex<[NodeID: ContinuousClock.Instant]>([:])
    /// The devices as last read, and when: read again each second, not at each 100 ms tick (a
    /// thousand rows ten times a second cost more than the polls).
    private let listed = Mutex<(devices: [OnboardedAgent], at: ContinuousClock.Instant?)>(([], nil))

    public init(inventory: any Inventory, restconf: AgentRESTCONFClient, logger: Logger, concurrency: Int = 64) {
        self.inventory = inventory
        self.restconf = restconf
        self.logger = logger
        self.concurrency = concurrency
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            _ = await cancelWhenGracefulShutdown { await self.pollDue() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(100)) }
        }
    }

    /// Polls every device whose interval has passed; returns how many were polled.
    @discardableResult
    public func pollDue(now: ContinuousClock.Instant = .now) async -> Int {
        let cached = listed.withLock { $0.at.map { now - $0 < .seconds(1) } == true ? $0.devices : nil }
        let devices: [OnboardedAgent]
        if let cached {
            devices = cached
        } else {
            do { devices = try await inventory.onboardedAgents() } catch is CancellationError {
                return 0
            } catch {
                logger.error("poller cannot read the onboarded devices", metadata: ["error": "\(error)"])
                return 0
            }
            listed.withLock { $0 = (devices, now) }
        }
        let ready = due.withLock { due in
            let known = Set(devices.map(\.nodeID))
            due = due.filter { known.contains($0.key) }
            return devices.filter { device in
                guard let next = due[device.nodeID], next > now else {
                    due[device.nodeID] = now + .milliseconds(device.pollIntervalMs)
                    return true
                }
                return false
            }
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for device in ready {
                if running == concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.poll(device) }
                running += 1
            }
        }
        return ready.count
    }

    /// One poll of one device. An unreachable or mismatched device is read whole, never conditionally.
    public func poll(_ device: OnboardedAgent) async {
        let etag = device.state == .reachable && !device.identityMismatch ? device.etag : nil
        do {
            switch try await restconf.poll(at: device.restconfURL, etag: etag) {
            case .unchanged:
                try await inventory.recordPollUnchanged(of: device.nodeID)
            case .tree(let node, let document, let etag, _):
                let returned = try await inventory.recordPoll(
                    of: device.nodeID, node.registration(restconfURL: device.restconfURL, tree: document), etag: etag)
                if node.id != device.qkdnID {
                    logger.error(
                        "device reports another qkdn_id: it is no longer configured",
                        metadata: ["node": "\(device.nodeID)", "qkdn_id": "\(node.id)", "expected": "\(device.qkdnID)"])
                } else if returned {
                    logger.info("device answers again", metadata: ["node": "\(device.nodeID)"])
                }
            }
        } catch {
            let message = (error as? AgentRESTCONFClient.Failure).map(DeviceOnboarder.explain) ?? "\(error)"
            do { try await inventory.recordPollFailure(of: device.nodeID, error: message) } catch {
                logger.error("poll failure not recorded", metadata: ["node": "\(device.nodeID)", "error": "\(error)"])
            }
            if device.state == .reachable { logger.notice("device poll failed", metadata: ["node": "\(device.nodeID)", "error": "\(message)"]) }
        }
    }
}
