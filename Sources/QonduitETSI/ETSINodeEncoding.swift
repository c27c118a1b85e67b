import QonduitCore
public import QonduitXML

/// Which part of a tree to write.
public enum ETSIContent: Sendable {
    /// Configuration and state, as an agent answers a GET.
    case all
    /// Configuration only (no `config false` data), as the controller writes to an agent.
    case configuration
}

extension ETSINode {
    /// The document, with the module as default namespace and identities under `etsi-qkdn-types:`.
    public func encoded(_ content: ETSIContent = .all) -> String {
        XMLDocumentWriter.serialize(element(content), namespaces: ETSIXML.namespaces)
    }

    public func element(_ content: ETSIContent = .all) -> XMLElement {
        var node = ETSIXML.Builder("qkd_node")
        node.leaf("qkdn_id", id.text)
        if content == .all { node.identity("qkdn_status", status) }
        node.leaf("qkdn_version", version)
        node.leaf("qkdn_location_id", locationID)
        var capabilities = ETSIXML.Builder("qkdn_capabilities")
        capabilities.leaf("link_stats_support", self.capabilities.linkStatsSupport)
        capabilities.leaf("application_stats_support", self.capabilities.applicationStatsSupport)
        capabilities.leaf("key_relay_mode_enable", self.capabilities.keyRelayModeEnable)
        node.container(capabilities)
        if !applications.isEmpty {
            node.children.append(XMLElement("qkd_applications", namespace: ETSINamespace.node, children: applications.map { $0.element(content) }))
        }
        if !interfaces.isEmpty {
            node.children.append(XMLElement("qkd_interfaces", namespace: ETSINamespace.node, children: interfaces.map { $0.element(content) }))
        }
        if !links.isEmpty {
            node.children.append(XMLElement("qkd_links", namespace: ETSINamespace.node, children: links.map { $0.element(content) }))
        }
        return node.built
    }
}

extension ETSIInterface {
    public func element(_ content: ETSIContent = .all) -> XMLElement {
        var entry = ETSIXML.Builder("qkd_interface")
        entry.leaf("qkdi_id", id)
        entry.leaf("qkdi_model", model)
        entry.identity("qkdi_type", type)
        var point = ETSIXML.Builder("qkdi_att_point")
        point.leaf("device", attachmentDevice)
        point.leaf("port", attachmentPort)
        entry.container(point)
        var capabilities = ETSIXML.Builder("qkdi_capabilities")
        capabilities.identity("role_support", roleSupport)
        capabilities.leaf("wavelength_range", wavelengthRange)
        capabilities.leaf("max_absorption", maxAbsorption?.description)
        entry.container(capabilities)
        if content == .all { entry.identity("qkdi_status", status) }
        return entry.built
    }
}

extension ETSILink {
    public func element(_ content: ETSIContent = .all) -> XMLElement {
        var entry = ETSIXML.Builder("qkd_link")
        entry.leaf("qkdl_id", id.text)
        entry.identity("qkdl_status", status)
        entry.leaf("qkdl_enable", enabled)
        for (name, end) in [("qkdl_local", local), ("qkdl_remote", remote)] {
            var container = ETSIXML.Builder(name)
            container.leaf("qkdn_id", end.nodeID?.text)
            container.leaf("qkdi_id", end.interfaceID)
            entry.container(container)
        }
        entry.identity("qkdl_type", type)
        for application in applications { entry.leaf("qkdl_applications", application.text) }
        if type == .virtual {
            entry.leaf("virt_prev_hop", virtualPreviousHop?.text)
            for hop in virtualNextHops { entry.leaf("virt_next_hop", hop.text) }
            entry.leaf("virt_bandwidth", virtualBandwidthBps)
        }
        if type == .physical {
            entry.leaf("phys_channel_att", physicalChannelAttenuationDB?.description)
            entry.leaf("phys_wavelength", physicalWavelength)
            entry.identity("phys_qkd_role", physicalRole)
        }
        if content == .all {
            var measures = ETSIXML.Builder("qkdl_performance")
            measures.leaf("expected_consumption", performance.expectedConsumptionBps)
            measures.leaf("skr", performance.secretKeyRateBps)
            measures.leaf("eskr", performance.effectiveSecretKeyRateBps)
            if type == .physical {
                for measure in performance.physical { measures.children.append(measure.element()) }
            }
            entry.container(measures)
        }
        return entry.built
    }
}

extension ETSILink.PhysicalMeasure {
    func element() -> XMLElement {
        var item = ETSIXML.Builder("phys_perf")
        item.identity("perf_type", type)
        item.leaf("value", value?.description)
        return item.built
    }
}

extension ETSIApplication {
    public func element(_ content: ETSIContent = .all) -> XMLElement {
        var entry = ETSIXML.Builder("qkd_app")
        entry.leaf("app_id", id.text)
        if content == .all { entry.identity("app_status", status) }
        writeRequest(into: &entry)
        if content == .all { entry.leaf("creation_time", creationTime) }
        entry.leaf("expiration_time", expirationTime)
        if content == .all && !statistics.isEmpty {
            var container = ETSIXML.Builder("app_statistics")
            for statistic in statistics {
                var item = ETSIXML.Builder("statistics")
                item.leaf("end_time", statistic.endTime)
                item.leaf("start_time", statistic.startTime)
                item.leaf("consumed_bits", statistic.consumedBits)
                container.children.append(item.built)
            }
            entry.container(container)
        }
        if let qosElement { entry.children.append(qosElement) }
        for link in backingLinkIDs { entry.leaf("backing_qkdl_id", link.text) }
        entry.leaf("local_qkdn_id", localNodeID?.text)
        entry.leaf("remote_qkdn_id", remoteNodeID?.text)
        return entry.built
    }
}

extension ETSIApplication {
    /// What an application asks for (GS QKD 015's `app_details`): kind, parties, priority.
    func writeRequest(into entry: inout ETSIXML.Builder) {
        entry.identity("app_type", type)
        entry.leaf("server_app_id", serverAppID)
        for client in clientAppIDs { entry.leaf("client_app_id", client) }
        entry.leaf("app_priority", priority)
    }

    /// The `app_qos` container, nil when nothing is set.
    var qosElement: XMLElement? {
        var qos = ETSIXML.Builder("app_qos")
        qos.leaf("max_bandwidth", self.qos.maxBandwidthBps)
        qos.leaf("min_bandwidth", self.qos.minBandwidthBps)
        qos.leaf("jitter", self.qos.jitter)
        qos.leaf("ttl", self.qos.ttl)
        qos.leaf("clients_shared_path_enable", self.qos.clientsSharedPathEnable)
        qos.leaf("clients_shared_keys_required", self.qos.clientsSharedKeysRequired)
        return qos.children.isEmpty ? nil : qos.built
    }
}

/// Building blocks for the module's XML.
enum ETSIXML {
    static let namespaces: [XMLDocumentWriter.Namespace] = [
        .init(prefix: nil, uri: ETSINamespace.node), .init(prefix: ETSINamespace.typesPrefix, uri: ETSINamespace.types),
    ]

    /// An element being filled in (of the node module unless said otherwise); absent values write nothing.
    struct Builder {
        let name: String
        let namespace: String
        var children: [XMLElement] = []

        init(_ name: String, namespace: String = ETSINamespace.node) {
            self.name = name
            self.namespace = namespace
        }

        var built: XMLElement { XMLElement(name, namespace: namespace, children: children) }

        mutating func leaf(_ name: String, _ value: String?) {
            if let value { children.append(.leaf(name, namespace: namespace, value)) }
        }

        mutating func leaf(_ name: String, _ value: UInt32?) { leaf(name, value.map { String($0) }) }
        mutating func leaf(_ name: String, _ value: Bool?) { leaf(name, value.map { $0 ? "true" : "false" }) }

        mutating func identity<Identity: ETSIIdentity>(_ name: String, _ value: Identity?) {
            leaf(name, value.map { "\(ETSINamespace.typesPrefix):\($0.rawValue)" })
        }

        /// Adds a container unless it would be empty (the model's containers carry no meaning of their own).
        mutating func container(_ builder: Builder) {
            if !builder.children.isEmpty { children.append(builder.built) }
        }
    }
}
