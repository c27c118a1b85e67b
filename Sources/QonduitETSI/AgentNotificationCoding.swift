import QonduitCore
public import QonduitXML

extension AgentNotification {
    /// Decodes an RFC 5277 `<notification>` document, strictly (see `ElementReader`).
    public static func decode(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(ETSIDecodingError) -> AgentNotification {
        try decode(try ETSIDocument.parse(bytes, limits: limits))
    }

    /// Decodes one notification, or a batch: `<notifications xmlns="urn:qonduit:…:qonduit-qkd-agent">`
    /// around RFC 5277 envelopes, which lets an agent send what it has to report in one request.
    /// A batch decodes whole or not at all; each problem names the envelope's position.
    public static func decodeBatch(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(ETSIDecodingError)
        -> [AgentNotification]
    {
        let root = try ETSIDocument.parse(bytes, limits: limits)
        guard root.localName == "notifications", root.namespaceURI == ETSINamespace.agent else { return [try decode(root)] }
        var notifications: [AgentNotification] = []
        var issues: [ETSIDecodingError.Issue] = []
        for (index, child) in root.children.enumerated() {
            do throws(ETSIDecodingError) {
                notifications.append(try decode(child))
            } catch {
                issues += error.issues.map {
                    .init(path: "/notifications/notification[\(index + 1)]\($0.path == "/" ? "" : $0.path)", line: $0.line, message: $0.message)
                }
            }
        }
        if notifications.isEmpty && issues.isEmpty {
            issues.append(.init(path: "/notifications", line: root.line, message: "holds no notification"))
        }
        guard issues.isEmpty else { throw ETSIDecodingError(issues: issues) }
        return notifications
    }

    /// Several notifications in one `qonduit-qkd-agent:notifications` document.
    public static func encodedBatch(_ notifications: [AgentNotification]) -> String {
        let envelopes = notifications.map(\.envelope)
        return XMLDocumentWriter.serialize(
            XMLElement("notifications", namespace: ETSINamespace.agent, children: envelopes), namespaces: Self.namespaces
        )
    }

    public static func decode(_ root: XMLNode) throws(ETSIDecodingError) -> AgentNotification {
        try ETSIDocument.checkRoot(root, name: "notification", namespace: ETSINamespace.netconfNotification)
        var report = DecodingReport()
        let envelope = ElementReader(root: root, path: "/notification", namespace: ETSINamespace.netconfNotification)
        let eventTime = envelope.dateAndTime("eventTime", &report)
        _ = envelope.require(eventTime, "eventTime", &report)
        envelope.finish(&report)
        let bodies = root.children.filter { $0.namespaceURI != ETSINamespace.netconfNotification }
        var event: AgentEvent?
        if bodies.count != 1 {
            report.report("/notification", root, "must hold exactly one notification beside eventTime, found \(bodies.count)")
        } else {
            event = decodeEvent(bodies[0], &report)
        }
        guard report.issues.isEmpty, let eventTime, let event else { throw ETSIDecodingError(issues: report.issues) }
        return AgentNotification(eventTime: eventTime, event: event)
    }

    static func decodeEvent(_ body: XMLNode, _ report: inout DecodingReport) -> AgentEvent? {
        let namespace = body.namespaceURI ?? ""
        let path = "/\(ETSINamespace.moduleName(of: namespace)):\(body.localName)"
        let reader = ElementReader(root: body, path: path, namespace: namespace)
        var known = true
        defer { if known { reader.finish(&report) } }
        switch (namespace, body.localName) {
        case (ETSINamespace.agent, "heartbeat"):
            return reader.require(reader.uuid("qkdn_id", &report), "qkdn_id", &report).map { .heartbeat(node: $0) }
        case (ETSINamespace.agent, "node-status"):
            return reader.require(reader.identity("qkdn_status", ETSINodeStatus.self, &report), "qkdn_status", &report).map { .nodeStatus($0) }
        case (ETSINamespace.agent, "key-pool"):
            let link = reader.require(reader.uuid("qkdl_id", &report), "qkdl_id", &report)
            let level = reader.require(reader.uint64("level-bits", &report), "level-bits", &report)
            guard let link, let level else { return nil }
            return .keyPool(link: link, levelBits: level)
        case (ETSINamespace.node, "sdqkdn_link_down"):
            guard let link = reader.container("qkd_link", &report) else { return .linkDown(link: nil, reason: nil) }
            defer { link.finish(&report) }
            return .linkDown(link: link.uuid("qkdl_id", &report), reason: link.string("reason", &report))
        case (ETSINamespace.node, "sdqkdn_link_perf_update"), (ETSINamespace.node, "sdqkdn_link_overloaded"):
            let overloaded = body.localName == "sdqkdn_link_overloaded"
            var id: ETSIUUID?
            var performance = ETSILink.Performance()
            if let link = reader.container("qkd_link", &report) {
                id = link.uuid("qkdl_id", &report)
                if let figures = link.container("performance", &report) {
                    performance.expectedConsumptionBps = figures.uint32("expected_consumption", &report)
                    performance.secretKeyRateBps = figures.uint32("skr", &report)
                    performance.effectiveSecretKeyRateBps = figures.uint32("eskr", &report)
                    if !overloaded {
                        performance.physical = ETSILink.decodeMeasures(figures.all("phys_perf", &report), within: figures, &report)
                    }
                    figures.finish(&report)
                }
                link.finish(&report)
            }
            return overloaded ? .linkOverloaded(link: id, performance) : .linkPerformance(link: id, performance)
        case (ETSINamespace.node, "alarm"), (ETSINamespace.node, "event"):
            let occurrence = decodeOccurrence(reader, &report)
            return body.localName == "alarm" ? .alarm(occurrence) : .event(occurrence)
        case (ETSINamespace.node, "sdqkdn_interface_new"):
            guard let interface = reader.container("qkd_interface", &report) else {
                report.report("\(path)/qkd_interface", body, "is missing: a new interface must be described")
                return nil
            }
            defer { interface.finish(&report) }
            guard let id = interface.require(interface.uint32("qkdi_id", &report), "qkdi_id", &report) else { return nil }
            return .interfaceNew(ETSIInterface.decode(interface, id: id, &report))
        case (ETSINamespace.node, "sdqkdn_interface_down"), (ETSINamespace.node, "sdqkdn_interface_out"):
            var id: UInt32?
            var reason: String?
            if let interface = reader.container("qkd_interface", &report) {
                id = interface.uint32("qkdi_id", &report)
                if body.localName == "sdqkdn_interface_down" { reason = interface.string("reason", &report) }
                interface.finish(&report)
            }
            return body.localName == "sdqkdn_interface_down" ? .interfaceDown(interface: id, reason: reason) : .interfaceOut(interface: id)
        case (ETSINamespace.node, "sdqkdn_application_new"):
            guard let application = reader.container("qkd_application", &report) else {
                report.report("\(path)/qkd_application", body, "is missing: a new application must be described")
                return nil
            }
            defer { application.finish(&report) }
            // The notification has no app_id; the controller assigns one. The placeholder is the nil UUID.
            var decoded = ETSIApplication.decodeRequest(application, &report)
            decoded.localNodeID = application.uuid("local_qkdn_id", &report)
            decoded.qos = ETSIApplication.decodeQoS(application, &report)
            return .applicationNew(decoded)
        case (ETSINamespace.node, "sdqkdn_application_qos_update"):
            var id: ETSIUUID?
            var qos = ETSIApplication.QualityOfService()
            var priority: UInt32?
            if let application = reader.container("qkd_application", &report) {
                id = application.uuid("app_id", &report)
                qos = ETSIApplication.decodeQoS(application, &report)
                priority = application.uint32("app_priority", &report)
                application.finish(&report)
            }
            return .applicationQoSUpdate(application: id, qos: qos, priority: priority)
        case (ETSINamespace.node, "sdqkdn_application_disconnected"):
            var id: ETSIUUID?
            if let application = reader.container("qkd_application", &report) {
                id = application.uuid("app_id", &report)
                application.finish(&report)
            }
            return .applicationDisconnected(application: id)
        default:
            report.report(path, body, "is not a notification of \(ETSINamespace.nodeModule) or \(ETSINamespace.agentModule)")
            known = false
            return nil
        }
    }

    static func decodeOccurrence(_ reader: ElementReader, _ report: inout DecodingReport) -> ETSIOccurrence {
        var occurrence = ETSIOccurrence()
        if let link = reader.container("link", &report) {
            occurrence.link = .init(
                id: link.uuid("qkdl_id", &report), status: link.identity("qkdl_status", ETSILinkStatus.self, &report),
                message: link.string("message", &report), severity: link.identity("severity", ETSISeverity.self, &report)
            )
            link.finish(&report)
        }
        if let interface = reader.container("interface", &report) {
            occurrence.interface = .init(
                id: interface.uint32("qkdi_id", &report), status: interface.identity("qkdi_status", ETSIInterfaceStatus.self, &report),
                message: interface.string("message", &report), severity: interface.identity("severity", ETSISeverity.self, &report)
            )
            interface.finish(&report)
        }
        if let application = reader.container("application", &report) {
            occurrence.application = .init(
                id: application.uuid("app_id", &report), status: application.identity("app_status", ETSIApplicationStatus.self, &report),
                message: application.string("message", &report), severity: application.identity("severity", ETSISeverity.self, &report)
            )
            application.finish(&report)
        }
        return occurrence
    }

    /// The document: the RFC 5277 envelope as default namespace, the body in its module's namespace.
    public func encoded() -> String {
        XMLDocumentWriter.serialize(envelope, namespaces: Self.namespaces)
    }

    static let namespaces: [XMLDocumentWriter.Namespace] = [
        .init(prefix: nil, uri: ETSINamespace.netconfNotification), .init(prefix: "etsi-qkdn", uri: ETSINamespace.node),
        .init(prefix: "qagent", uri: ETSINamespace.agent), .init(prefix: ETSINamespace.typesPrefix, uri: ETSINamespace.types),
    ]

    /// The `<notification>` element.
    var envelope: XMLElement {
        let (name, namespace) = event.name
        var body = ETSIXML.Builder(name, namespace: namespace)
        switch event {
        case .heartbeat(let node):
            body.leaf("qkdn_id", node.text)
        case .nodeStatus(let status):
            body.identity("qkdn_status", status)
        case .keyPool(let link, let level):
            body.leaf("qkdl_id", link.text)
            body.leaf("level-bits", String(level))
        case .linkDown(let link, let reason):
            var container = ETSIXML.Builder("qkd_link")
            container.leaf("qkdl_id", link?.text)
            container.leaf("reason", reason)
            body.container(container)
        case .linkPerformance(let link, let performance), .linkOverloaded(let link, let performance):
            var container = ETSIXML.Builder("qkd_link")
            container.leaf("qkdl_id", link?.text)
            var figures = ETSIXML.Builder("performance")
            figures.leaf("expected_consumption", performance.expectedConsumptionBps)
            figures.leaf("skr", performance.secretKeyRateBps)
            figures.leaf("eskr", performance.effectiveSecretKeyRateBps)
            if case .linkPerformance = event {
                for measure in performance.physical { figures.children.append(measure.element()) }
            }
            container.container(figures)
            body.container(container)
        case .alarm(let occurrence), .event(let occurrence):
            occurrence.write(into: &body)
        case .interfaceNew(let interface):
            var container = ETSIXML.Builder("qkd_interface")
            container.children = interface.element(.configuration).children
            body.container(container)
        case .interfaceDown(let interface, let reason):
            var container = ETSIXML.Builder("qkd_interface")
            container.leaf("qkdi_id", interface)
            container.leaf("reason", reason)
            body.container(container)
        case .interfaceOut(let interface):
            var container = ETSIXML.Builder("qkd_interface")
            container.leaf("qkdi_id", interface)
            body.container(container)
        case .applicationNew(let application):
            var container = ETSIXML.Builder("qkd_application")
            application.writeRequest(into: &container)
            container.leaf("local_qkdn_id", application.localNodeID?.text)
            container.children.append(contentsOf: application.qosElement.map { [$0] } ?? [])
            body.container(container)
        case .applicationQoSUpdate(let application, let qos, let priority):
            var container = ETSIXML.Builder("qkd_application")
            container.leaf("app_id", application?.text)
            container.children.append(contentsOf: ETSIApplication(id: ETSIUUID.zero, qos: qos).qosElement.map { [$0] } ?? [])
            container.leaf("app_priority", priority)
            body.container(container)
        case .applicationDisconnected(let application):
            var container = ETSIXML.Builder("qkd_application")
            container.leaf("app_id", application?.text)
            body.container(container)
        }
        return XMLElement(
            "notification", namespace: ETSINamespace.netconfNotification,
            children: [
                .leaf("eventTime", namespace: ETSINamespace.netconfNotification, eventTime), body.built,
            ])
    }
}

extension ETSIOccurrence {
    func write(into body: inout ETSIXML.Builder) {
        if let link {
            body.children.append(
                Self.report("link", id: ("qkdl_id", link.id?.text), status: ("qkdl_status", link.status), link.message, link.severity))
        }
        if let interface {
            body.children.append(
                Self.report(
                    "interface", id: ("qkdi_id", interface.id.map { String($0) }),
                    status: ("qkdi_status", interface.status), interface.message, interface.severity))
        }
        if let application {
            body.children.append(
                Self.report(
                    "application", id: ("app_id", application.id?.text),
                    status: ("app_status", application.status), application.message, application.severity))
        }
    }

    /// One part of an alarm or event: what it is about, its state, message and severity.
    private static func report<Status: ETSIIdentity>(
        _ name: String, id: (leaf: String, value: String?), status: (leaf: String, value: Status?), _ message: String?,
        _ severity: ETSISeverity?
    ) -> XMLElement {
        var container = ETSIXML.Builder(name)
        container.leaf(id.leaf, id.value)
        container.identity(status.leaf, status.value)
        container.leaf("message", message)
        container.identity("severity", severity)
        return container.built
    }
}
