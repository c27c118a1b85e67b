public import Foundation
import Synchronization

/// What the inventory reads the time of day from: expiry of tokens and sessions, and the times it
/// stores. Injected, so that a test moves time forward instead of waiting for it to pass.
public protocol WallClock: Sendable {
    var now: Date { get }
}

/// The machine's clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public var now: Date { Date() }
}

/// A clock that moves only when told to: for tests and simulations.
public final class ManualWallClock: WallClock {
    private let time: Mutex<Date>

    public init(_ start: Date = Date()) { time = Mutex(start) }

    public var now: Date { time.withLock { $0 } }

    public func advance(by interval: TimeInterval) { time.withLock { $0 += interval } }
}

extension WallClock {
    /// Now, as the inventory stores times in the access tables (UTC, ISO 8601 with milliseconds), so
    /// that a bound parameter compares with stored values as text.
    public var timestamp: String { Self.timestamp(now) }

    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
