import QonduitCore
import QonduitETSI
import QonduitStorage

/// GS QKD 015 states in the inventory's terms.
enum StateMapping {
    /// Nil when the device states no status: the planner's then stays in force.
    static func nodeStatus(_ status: ETSINodeStatus?) -> NodeStatus? {
        status.map(nodeStatus)
    }

    static func nodeStatus(_ status: ETSINodeStatus) -> NodeStatus {
        switch status {
        case .operating: .up
        case .down, .failure, .out: .down
        case .new: .unknown
        }
    }

    static func linkStatus(_ status: ETSILinkStatus?) -> LinkStatus? {
        switch status {
        case .active?: .up
        case .passive?, .off?: .down
        case .pending?: .unknown
        case nil: nil
        }
    }

    /// A link's measures: secret key rate (bit/s) and QBER, when reported.
    static func link(_ id: QKDUUID, status: ETSILinkStatus?, performance: ETSILink.Performance) -> ReportedLink {
        ReportedLink(
            qkdlID: id, status: linkStatus(status), keyRateBps: performance.secretKeyRateBps.map(Double.init),
            qber: performance.physical.first { $0.type == .qber }?.value.map(\.value)
        )
    }
}

extension ETSINode {
    /// What the inventory keeps of a registering agent's tree: its physical links' state and measures.
    func registration(restconfURL: String, tree: String) -> AgentRegistration {
        AgentRegistration(
            qkdnID: id, restconfURL: restconfURL, tree: tree, nodeStatus: StateMapping.nodeStatus(status),
            name: locationID.flatMap { $0.isEmpty ? nil : $0 },
            links: links.filter { $0.type == .physical }.map { StateMapping.link($0.id, status: $0.status, performance: $0.performance) }
        )
    }
}

extension AgentEvent {
    /// The inventory changes this notification makes; every notification is also a sign of life.
    /// Throws when a notification the controller acts on lacks the link it is about.
    func reports() throws(SouthboundError) -> [AgentReport] {
        switch self {
        case .heartbeat:
            return [.heartbeat]
        case .nodeStatus(let status):
            return [.nodeStatus(StateMapping.nodeStatus(status))]
        case .keyPool(let link, let bits):
            guard bits <= UInt64(Int64.max) else { throw .invalid("level-bits \(bits) is too large") }
            return [.keyPool(link: link, bits: Int64(bits))]
        case .linkDown(let link, _):
            guard let link else { throw .invalid("sdqkdn_link_down must name its link (qkd_link/qkdl_id)") }
            return [.link(ReportedLink(qkdlID: link, status: .down))]
        case .linkPerformance(let link, let performance):
            guard let link else { throw .invalid("sdqkdn_link_perf_update must name its link (qkd_link/qkdl_id)") }
            return [.link(StateMapping.link(link, status: nil, performance: performance))]
        case .alarm(let occurrence), .event(let occurrence):
            let kind: AgentAlarm.Kind = if case .alarm = self { .alarm } else { .event }
            var reports = occurrence.alarms(kind)
            if let link = occurrence.link, let status = StateMapping.linkStatus(link.status) {
                guard let id = link.id else { throw .invalid("a link alarm or event must name its link (link/qkdl_id)") }
                reports.append(.link(ReportedLink(qkdlID: id, status: status)))
            }
            return reports.isEmpty ? [.heartbeat] : reports
        case .linkOverloaded, .interfaceNew, .interfaceDown, .interfaceOut, .applicationNew, .applicationQoSUpdate,
            .applicationDisconnected:
            // Accepted and valid; the controller has nothing of these in its inventory yet.
            return [.heartbeat]
        }
    }
}

extension ETSIOccurrence {
    /// What each part of the occurrence says, for the event log.
    func alarms(_ kind: AgentAlarm.Kind) -> [AgentReport] {
        var alarms: [AgentAlarm] = []
        if let link {
            alarms.append(
                AgentAlarm(
                    kind: kind, about: "link", id: link.id?.text, status: link.status?.rawValue,
                    message: link.message, severity: link.severity?.rawValue))
        }
        if let interface {
            alarms.append(
                AgentAlarm(
                    kind: kind, about: "interface", id: interface.id.map(String.init), status: interface.status?.rawValue,
                    message: interface.message, severity: interface.severity?.rawValue))
        }
        if let application {
            alarms.append(
                AgentAlarm(
                    kind: kind, about: "application", id: application.id?.text, status: application.status?.rawValue,
                    message: application.message, severity: application.severity?.rawValue))
        }
        return alarms.map(AgentReport.alarm)
    }
}
