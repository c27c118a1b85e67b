public import QonduitCore

/// One notification from a node agent: RFC 5277's envelope (event time) around a GS QKD 015
/// notification of `etsi-qkd-sdn-node`, or one of `qonduit-qkd-agent`.
public struct AgentNotification: Sendable, Equatable {
    /// `yang:date-and-time`.
    public var eventTime: String
    public var event: AgentEvent

    public init(eventTime: String, event: AgentEvent) {
        self.eventTime = eventTime
        self.event = event
    }
}

/// What happened, by notification.
public enum AgentEvent: Sendable, Equatable {
    // qonduit-qkd-agent
    case heartbeat(node: ETSIUUID)
    case nodeStatus(ETSINodeStatus)
    case keyPool(link: ETSIUUID, levelBits: UInt64)
    // etsi-qkd-sdn-node
    case linkDown(link: ETSIUUID?, reason: String?)
    case linkPerformance(link: ETSIUUID?, ETSILink.Performance)
    case linkOverloaded(link: ETSIUUID?, ETSILink.Performance)
    case alarm(ETSIOccurrence)
    case event(ETSIOccurrence)
    case interfaceNew(ETSIInterface)
    case interfaceDown(interface: UInt32?, reason: String?)
    case interfaceOut(interface: UInt32?)
    case applicationNew(ETSIApplication)
    case applicationQoSUpdate(application: ETSIUUID?, qos: ETSIApplication.QualityOfService, priority: UInt32?)
    case applicationDisconnected(application: ETSIUUID?)

    /// The notification's element name and namespace.
    var name: (localName: String, namespace: String) {
        switch self {
        case .heartbeat: ("heartbeat", ETSINamespace.agent)
        case .nodeStatus: ("node-status", ETSINamespace.agent)
        case .keyPool: ("key-pool", ETSINamespace.agent)
        case .linkDown: ("sdqkdn_link_down", ETSINamespace.node)
        case .linkPerformance: ("sdqkdn_link_perf_update", ETSINamespace.node)
        case .linkOverloaded: ("sdqkdn_link_overloaded", ETSINamespace.node)
        case .alarm: ("alarm", ETSINamespace.node)
        case .event: ("event", ETSINamespace.node)
        case .interfaceNew: ("sdqkdn_interface_new", ETSINamespace.node)
        case .interfaceDown: ("sdqkdn_interface_down", ETSINamespace.node)
        case .interfaceOut: ("sdqkdn_interface_out", ETSINamespace.node)
        case .applicationNew: ("sdqkdn_application_new", ETSINamespace.node)
        case .applicationQoSUpdate: ("sdqkdn_application_qos_update", ETSINamespace.node)
        case .applicationDisconnected: ("sdqkdn_application_disconnected", ETSINamespace.node)
        }
    }
}

/// The body of GS QKD 015's `alarm` and `event` notifications: what changed, with a message and severity.
public struct ETSIOccurrence: Sendable, Equatable {
    public struct Link: Sendable, Equatable {
        public var id: ETSIUUID?
        public var status: ETSILinkStatus?
        public var message: String?
        public var severity: ETSISeverity?
        public init(id: ETSIUUID? = nil, status: ETSILinkStatus? = nil, message: String? = nil, severity: ETSISeverity? = nil) {
            self.id = id
            self.status = status
            self.message = message
            self.severity = severity
        }
    }

    public struct Interface: Sendable, Equatable {
        public var id: UInt32?
        public var status: ETSIInterfaceStatus?
        public var message: String?
        public var severity: ETSISeverity?
        public init(id: UInt32? = nil, status: ETSIInterfaceStatus? = nil, message: String? = nil, severity: ETSISeverity? = nil) {
            self.id = id
            self.status = status
            self.message = message
            self.severity = severity
        }
    }

    public struct Application: Sendable, Equatable {
        public var id: ETSIUUID?
        public var status: ETSIApplicationStatus?
        public var message: String?
        public var severity: ETSISeverity?
        public init(id: ETSIUUID? = nil, status: ETSIApplicationStatus? = nil, message: String? = nil, severity: ETSISeverity? = nil) {
            self.id = id
            self.status = status
            self.message = message
            self.severity = severity
        }
    }

    public var link: Link?
    public var interface: Interface?
    public var application: Application?

    public init(link: Link? = nil, interface: Interface? = nil, application: Application? = nil) {
        self.link = link
        self.interface = interface
        self.application = application
    }
}
