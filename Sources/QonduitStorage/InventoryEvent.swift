public import QonduitCore

/// One entry of the event log: a change operators follow (status, alarms, key paths).
public struct InventoryEvent: Sendable, Equatable {
    /// Increases with every event, in commit order; never reused.
    public var id: Int64
    /// When it was logged (UTC, ISO 8601 with milliseconds).
    public var time: String
    public var kind: EventKind
    /// The node, link or key path it is about.
    public var subject: String
    /// The details, as a JSON object.
    public var data: String

    public init(id: Int64, time: String, kind: EventKind, subject: String, data: String) {
        self.id = id
        self.time = time
        self.kind = kind
        self.subject = subject
        self.data = data
    }
}

/// An alarm or event an agent reported about one of its links, interfaces or applications.
public struct AgentAlarm: Sendable, Equatable {
    public enum Kind: String, Sendable { case alarm, event }
    public var kind: Kind
    /// `link`, `interface` or `application`.
    public var about: String
    public var id: String?
    public var status: String?
    public var message: String?
    public var severity: String?

    public init(kind: Kind, about: String, id: String?, status: String?, message: String?, severity: String?) {
        self.kind = kind
        self.about = about
        self.id = id
        self.status = status
        self.message = message
        self.severity = severity
    }
}
