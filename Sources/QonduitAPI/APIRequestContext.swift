public import Hummingbird
public import QonduitStorage
import Synchronization

/// The request context of the controller's HTTP server: Hummingbird's core context, and the
/// operator's token once access control has checked it, so that handlers know who asks.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token the request was made with; nil before access control and on open routes.
    public var caller: APIToken?
    /// A change's audit entry, for a handler that appends it in the transaction that makes the
    /// change (access control then appends none); nil on reads and open routes.
    var audit: AuditHandoff?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// How the audit log and records name the caller: `token:ID`.
    var callerName: String? { caller?.actor }
}

/// What the audit log is to say of a change, handed by access control to the route: a route that
/// appends it with the change itself says so, and access control does not append it again.
final class AuditHandoff: Sendable {
    private let actor: String, role: String, action: String, target: String
    private let appended = Mutex(false)

    init(actor: String, role: String, action: String, target: String) {
        self.actor = actor
        self.role = role
        self.action = action
        self.target = target
    }

    /// The entry for an answer with `status` (and the problem's `detail`).
    func entry(status: Int, detail: String? = nil) -> AuditEntry {
        AuditEntry(actor: actor, role: role, action: action, target: target, status: status, detail: detail)
    }

    /// The route appended `entry(status:)` along with its change.
    func markAppended() { appended.withLock { $0 = true } }

    var wasAppended: Bool { appended.withLock { $0 } }
}
