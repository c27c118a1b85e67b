import AsyncHTTPClient
import CoreMetrics
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import QonduitCore
import QonduitETSI
public import QonduitStorage
public import ServiceLifecycle
import Synchronization

/// Follows the notification stream of each reachable onboarded device that lists one
/// (`ietf-restconf-monitoring:restconf-state/streams`, RFC 8040 §9.3): subscribes with
/// `Accept: text/event-stream` and applies each GS QKD 015 notification (RFC 8040 §6.4, XML or JSON)
/// at once, as a registered agent's report is applied, so that `sdqkdn_link_down` re-routes key paths
/// without waiting for the next poll. A stream that fails, ends, stalls (no byte, not even a
/// keep-alive comment, for `idleTimeout`) or sends what is not a notification is closed and
/// subscribed again with backoff; polling stays the safety net. Each device's stream state is kept
/// in the inventory for the API.
public final class DeviceStreamFollower: Service, Sendable {
    let inventory: any Inventory
    let restconf: AgentRESTCONFClient
    let logger: Logger
    let metrics: SouthboundMetrics
    let maxEventBytes: Int
    let idleTimeout: Duration
    let backoff: ClosedRange<Duration>
    /// Streams last as long as their devices: no read timeout (the follower's own watchdog tells a
    /// stalled stream); lives as long as the process, as `HTTPClient.shared` does.
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(2))))
    /// The devices whose streams are followed; a follower stops once its device leaves the set.
    private let wanted = Mutex<Set<NodeID>>([])
    private let running = Mutex<Set<NodeID>>([])

    public init(
        inventory: any Inventory, restconf: AgentRESTCONFClient, logger: Logger, idleTimeout: Duration = .seconds(45), maxEventBytes: Int = 1 << 20,
        backoff: ClosedRange<Duration> = .milliseconds(500)...(.seconds(30)), metrics: SouthboundMetrics = SouthboundMetrics()
    ) {
        self.metrics = metrics
        self.inventory = inventory
        self.restconf = restconf
        self.logger = logger
        self.maxEventBytes = maxEventBytes
        self.backoff = backoff
        self.idleTimeout = idleTimeout
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                if let devices = try? await inventory.onboardedAgents() {
                    let followed = devices.filter { $0.state == .reachable && !$0.identityMismatch }
                    wanted.withLock { $0 = Set(followed.map(\.nodeID)) }
                    for device in followed where running.withLock({ $0.insert(device.nodeID).inserted }) {
                        group.addTask {
                            await cancelWhenGracefulShutdown { await self.follow(device) }
                            _ = self.running.withLock { $0.remove(device.nodeID) }
                        }
                    }
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
            group.cancelAll()
        }
    }

    private func isWanted(_ node: NodeID) -> Bool { wanted.withLock { $0.contains(node) } }

    /// Subscribes, reads, and subscribes again, until the device is no longer followed.
    func follow(_ device: OnboardedAgent) async {
        var delay = backoff.lowerBound
        while !Task.isCancelled && isWanted(device.nodeID) {
            do {
                try await record(device, .connecting, nil)
                guard let (location, encoding) = try await streamLocation(of: device) else {
                    try await record(device, .none, "the device lists no event stream the controller reads")
                    // Looked at again in a while: a device may gain a stream with new firmware.
                    try await sleep(.seconds(60), unless: device.nodeID)
                    continue
                }
                try await read(location, encoding: encoding, of: device) { delay = self.backoff.lowerBound }
                try await record(device, .retrying, "the stream ended")
            } catch is CancellationError {
                return
            } catch {
                let message = (error as? AgentRESTCONFClient.Failure).map(DeviceOnboarder.explain) ?? "\(error)"
                try? await record(device, .retrying, message)
                logger.debug("device stream failed", metadata: ["node": "\(device.nodeID)", "error": "\(message)"])
            }
            // Jittered, so that a thousand devices behind one failed router do not come back in step.
            try? await sleep(delay * Double.random(in: 0.5...1.0), unless: device.nodeID)
            delay = min(delay * 2, backoff.upperBound)
        }
    }

    /// Where to subscribe: the first stream's location in the device's encoding (or another it has).
    func streamLocation(of device: OnboardedAgent) async throws -> (String, ETSIEncoding)? {
        let access = try await restconf.access(device.restconfURL)
        let path = "/data/ietf-restconf-monitoring:restconf-state/streams"
        let answer = try await restconf.send(.GET, device.restconfURL, path, access: access, refusing: false)
        guard (200..<300).contains(answer.status) else {
            if [404, 405, 501].contains(answer.status) { return nil }
            try answer.check(url: device.restconfURL + path)
            return nil
        }
        let encoding = answer.encoding
        guard let streams = RESTCONFStreams.decode(answer.body.readableBytesView, encoding: encoding) else {
            throw AgentRESTCONFClient.Failure(url: device.restconfURL + path, message: "the streams list does not decode")
        }
        return streams.streams.lazy.compactMap { $0.location(preferring: access.encoding) }.first
    }

    /// Reads one subscription until it ends, applying each notification; `opened` is called once it is.
    func read(_ location: String, encoding: ETSIEncoding, of device: OnboardedAgent, opened: () -> Void) async throws {
        var request = HTTPClientRequest(url: location)
        request.headers.add(name: "Accept", value: "text/event-stream")
        let access = try await restconf.access(device.restconfURL)
        if let authorization = access.authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let epoch = restconf.fence.epoch { request.headers.add(name: ControllerEpochHeader.name, value: String(epoch)) }
        let response: HTTPClientResponse
        do {
            response = try await access.client(or: Self.client, streaming: true).execute(request, timeout: .hours(24))
        } catch {
            throw AgentRESTCONFClient.Failure(url: location, message: "unreachable: \(error)")
        }
        guard response.status == .ok, response.headers.first(name: "Content-Type")?.lowercased().hasPrefix("text/event-stream") == true else {
            let type = response.headers.first(name: "Content-Type") ?? "no type"
            throw AgentRESTCONFClient.Failure(
                url: location, message: "\(response.status.code) \(type), not an event stream", status: Int(response.status.code))
        }
        try await record(device, .open, nil)
        opened()
        logger.info("device stream open", metadata: ["node": "\(device.nodeID)", "stream": "\(location)"])
        let lastByte = LastHeard()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [response] in
                try await self.apply(response.body, encoding: encoding, of: device, location: location) { lastByte.now() }
            }
            // The watchdog: a stream with nothing, not even a keep-alive comment, for `idleTimeout` is dead.
            group.addTask { [idleTimeout] in
                while true {
                    try await Task.sleep(for: idleTimeout / 4)
                    if lastByte.silence > idleTimeout {
                        throw AgentRESTCONFClient.Failure(url: location, message: "the stream stalled: nothing for \(idleTimeout)")
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Applies each notification of a subscription's body as it comes.
    private func apply(
        _ body: HTTPClientResponse.Body, encoding: ETSIEncoding, of device: OnboardedAgent, location: String, heard: () -> Void
    ) async throws {
        var events = ServerSentEventParser(maxEventBytes: maxEventBytes)
        for try await chunk in body {
            heard()
            guard isWanted(device.nodeID) else { return }
            for data in try events.feed(chunk.readableBytesView) {
                let notification: AgentNotification
                do { notification = try AgentNotification.decode(data, encoding: encoding) } catch {
                    throw AgentRESTCONFClient.Failure(url: location, message: "an event is not a notification: \(error)")
                }
                let reports: [AgentReport]
                do { reports = try notification.event.reports() } catch {
                    throw AgentRESTCONFClient.Failure(url: location, message: "\(error.document.entries.first?.message ?? "\(error)")")
                }
                try await inventory.applyAgentReports(from: device.qkdnID, reports)
                metrics.notificationsFromStreams.increment()
            }
        }
    }

    private func record(_ device: OnboardedAgent, _ state: DeviceStreamState, _ error: String?) async throws {
        try await inventory.recordStream(of: device.nodeID, state: state, error: error)
    }

    /// Sleeps `duration`, cut short when the device is no longer followed.
    private func sleep(_ duration: Duration, unless node: NodeID) async throws {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            guard isWanted(node) else { return }
            try await Task.sleep(for: min(.milliseconds(250), deadline - ContinuousClock.now))
        }
    }
}

/// When a stream was last heard from, shared by its reader and its watchdog.
final class LastHeard: Sendable {
    private let time = Mutex(ContinuousClock.now)
    func now() { time.withLock { $0 = .now } }
    var silence: Duration { ContinuousClock.now - time.withLock { $0 } }
}

/// Splits a `text/event-stream` body into the data of its events (WHATWG HTML §9.2.6): `data:`
/// lines joined by newlines, an event ended by a blank line; comments and other fields ignored.
/// An event larger than `maxEventBytes` is refused, so that a device cannot make the controller
/// buffer without bound.
struct ServerSentEventParser {
    let maxEventBytes: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var lastWasCR = false

    init(maxEventBytes: Int) {
        self.maxEventBytes = maxEventBytes
    }

    struct TooLarge: Error, CustomStringConvertible {
        let limit: Int
        var description: String { "an event is larger than \(limit) bytes" }
    }

    /// The events `bytes` completes.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [[UInt8]] {
        var events: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") && lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == UInt8(ascii: "\r")
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                line.append(byte)
                guard line.count + data.count <= maxEventBytes else { throw TooLarge(limit: maxEventBytes) }
                continue
            }
            if line.isEmpty {
                if hasData { events.append(data) }
                data.removeAll(keepingCapacity: true)
                hasData = false
            } else if line.starts(with: Array("data".utf8)), line.count == 4 || line[4] == UInt8(ascii: ":") {
                var value = line.dropFirst(5)
                if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
                if hasData { data.append(UInt8(ascii: "\n")) }
                data.append(contentsOf: value)
                hasData = true
            }
            line.removeAll(keepingCapacity: true)
        }
        return events
    }
}
