import QonduitStorage
public import ServiceLifecycle

/// A service that only the leader runs (polling, reconciling, repairing, onboarding): it starts when
/// this controller leads and is cancelled when it stops leading.
public struct LeaderOnly<Wrapped: Service>: Service {
    let wrapped: Wrapped
    let leadership: Leadership

    public init(_ wrapped: Wrapped, leadership: Leadership) {
        self.wrapped = wrapped
        self.leadership = leadership
    }

    public func run() async throws {
        try await leadership.whileLeading { [wrapped] in try await wrapped.run() }
    }
}
