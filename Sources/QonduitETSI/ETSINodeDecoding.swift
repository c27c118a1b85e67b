import QonduitCore
public import QonduitXML

extension ETSINode {
    /// Decodes a `qkd_node` document (`application/yang-data+xml`), strictly: see `ElementReader`.
    public static func decode(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(ETSIDecodingError) -> ETSINode {
        try decode(try ETSIDocument.parse(bytes, limits: limits))
    }

    /// Decodes a parsed `qkd_node` element.
    public static func decode(_ root: XMLNode) throws(ETSIDecodingError) -> ETSINode {
        var report = DecodingReport()
        try ETSIDocument.checkRoot(root, name: "qkd_node", namespace: ETSINamespace.node)
        let reader = ElementReader(root: root, path: "/\(ETSINamespace.nodeModule):qkd_node")
        let id = reader.require(reader.uuid("qkdn_id", &report), "qkdn_id", &report)
        let status = reader.identity("qkdn_status", ETSINodeStatus.self, &report)
        let version = reader.string("qkdn_version", &report)
        let location = reader.string("qkdn_location_id", &report)
        var capabilities = Capabilities()
        if let container = reader.container("qkdn_capabilities", &report) {
            capabilities.linkStatsSupport = container.bool("link_stats_support", &report)
            capabilities.applicationStatsSupport = container.bool("application_stats_support", &report)
            capabilities.keyRelayModeEnable = container.bool("key_relay_mode_enable", &report)
            container.finish(&report)
        }
        var applications: [ETSIApplication] = []
        if let container = reader.container("qkd_applications", &report) {
            applications = decodeList(container.all("qkd_app", &report), key: "app_id", within: container, &report) {
                ETSIApplication.decode($0, id: $1, &$2)
            }
            container.finish(&report)
        }
        var interfaces: [ETSIInterface] = []
        if let container = reader.container("qkd_interfaces", &report) {
            interfaces = decodeNumberedList(container.all("qkd_interface", &report), within: container, &report)
            container.finish(&report)
        }
        var links: [ETSILink] = []
        if let container = reader.container("qkd_links", &report) {
            links = decodeList(container.all("qkd_link", &report), key: "qkdl_id", within: container, &report) {
                ETSILink.decode($0, id: $1, &$2)
            }
            container.finish(&report)
        }
        reader.finish(&report)
        guard report.issues.isEmpty, let id else { throw ETSIDecodingError(issues: report.issues) }
        return ETSINode(
            id: id, status: status, version: version, locationID: location, capabilities: capabilities,
            applications: applications, interfaces: interfaces, links: links
        )
    }

    /// Entries of a keyed list: each must have its key, and no key may repeat. `readKey` reads the
    /// key leaf with the entry's reader (whose path names the entry by its key, as libyang does).
    static func decodeKeyedList<Key: Hashable, Entry>(
        _ elements: [XMLNode], key: StaticString, within parent: ElementReader, _ report: inout DecodingReport,
        readKey: (ElementReader, inout DecodingReport) -> Key?,
        _ decode: (ElementReader, Key, inout DecodingReport) -> Entry
    ) -> [Entry] {
        var seen: Set<Key> = []
        var entries: [Entry] = []
        entries.reserveCapacity(elements.count)
        for element in elements {
            let reader = parent.reader(for: element)
            guard let keyElement = reader.first(key, &report) else {
                report.report(reader.path, element, "has no \(key), the list's key")
                continue
            }
            report.enter(element, key: key, keyElement: keyElement)
            guard let id = readKey(reader, &report) else { continue }
            guard seen.insert(id).inserted else {
                report.report(reader.path, element, "repeats the key \(key) '\(keyElement.trimmedText)' of an earlier entry")
                continue
            }
            entries.append(decode(reader, id, &report))
            reader.finish(&report)
        }
        return entries
    }

    /// Entries of a list keyed by a UUID leaf.
    static func decodeList<Entry>(
        _ elements: [XMLNode], key: StaticString, within parent: ElementReader, _ report: inout DecodingReport,
        _ decode: (ElementReader, ETSIUUID, inout DecodingReport) -> Entry
    ) -> [Entry] {
        decodeKeyedList(elements, key: key, within: parent, &report, readKey: { $0.uuid(key, &$1) }, decode)
    }

    static func decodeNumberedList(
        _ elements: [XMLNode], within parent: ElementReader, _ report: inout DecodingReport
    ) -> [ETSIInterface] {
        decodeKeyedList(elements, key: "qkdi_id", within: parent, &report, readKey: { $0.uint32("qkdi_id", &$1) }) {
            ETSIInterface.decode($0, id: $1, &$2)
        }
    }
}

extension ETSIInterface {
    static func decode(_ reader: ElementReader, id: UInt32, _ report: inout DecodingReport) -> ETSIInterface {
        var interface = ETSIInterface(id: id)
        interface.model = reader.string("qkdi_model", &report)
        interface.type = reader.identity("qkdi_type", ETSITechnology.self, &report)
        if let point = reader.container("qkdi_att_point", &report) {
            interface.attachmentDevice = point.string("device", &report)
            interface.attachmentPort = point.uint32("port", &report)
            point.finish(&report)
        }
        if let capabilities = reader.container("qkdi_capabilities", &report) {
            interface.roleSupport = capabilities.identity("role_support", ETSIRole.self, &report)
            interface.wavelengthRange = capabilities.pattern(
                "wavelength_range", &report, what: "a list of channels and ranges such as 1,12-20,40", ETSIWavelength.isRange
            )
            interface.maxAbsorption = capabilities.decimal("max_absorption", &report)
            capabilities.finish(&report)
        }
        interface.status = reader.identity("qkdi_status", ETSIInterfaceStatus.self, &report)
        return interface
    }
}

extension ETSILink {
    static func decode(_ reader: ElementReader, id: ETSIUUID, _ report: inout DecodingReport) -> ETSILink {
        var link = ETSILink(id: id)
        link.status = reader.identity("qkdl_status", ETSILinkStatus.self, &report)
        link.enabled = reader.bool("qkdl_enable", &report)
        func endpoint(_ name: StaticString) -> Endpoint? {
            guard let end = reader.container(name, &report) else { return nil }
            defer { end.finish(&report) }
            return Endpoint(nodeID: end.uuid("qkdn_id", &report), interfaceID: end.uint32("qkdi_id", &report))
        }
        if let local = endpoint("qkdl_local") { link.local = local }
        if let remote = endpoint("qkdl_remote") { link.remote = remote }
        link.type = reader.identity("qkdl_type", ETSILinkType.self, &report)
        link.applications = reader.uuids("qkdl_applications", &report)

        // The schema's `when` conditions: virtual-link leaves only on VIRT links, physical ones only on PHYS.
        func only(_ names: [StaticString], when type: ETSILinkType) -> Bool {
            guard link.type != type else { return true }
            for name in names {
                if let element = reader.first(name, &report) {
                    report.report(reader.path.child(name), element, "is allowed only when qkdl_type is \(ETSINamespace.typesPrefix):\(type.rawValue)")
                }
                _ = reader.all(name, &report)
            }
            return false
        }
        if only(Self.virtualLeaves, when: .virtual) {
            link.virtualPreviousHop = reader.uuid("virt_prev_hop", &report)
            link.virtualNextHops = reader.uuids("virt_next_hop", &report)
            link.virtualBandwidthBps = reader.uint32("virt_bandwidth", &report)
        }
        if only(Self.physicalLeaves, when: .physical) {
            link.physicalChannelAttenuationDB = reader.decimal("phys_channel_att", &report)
            link.physicalWavelength = reader.pattern("phys_wavelength", &report, what: "a channel number from 1 to 9999", ETSIWavelength.isChannel)
            link.physicalRole = reader.identity("phys_qkd_role", ETSIRole.self, &report)
        }
        if let performance = reader.container("qkdl_performance", &report) {
            link.performance.expectedConsumptionBps = performance.uint32("expected_consumption", &report)
            link.performance.secretKeyRateBps = performance.uint32("skr", &report)
            link.performance.effectiveSecretKeyRateBps = performance.uint32("eskr", &report)
            let measures = performance.all("phys_perf", &report)
            if link.type != .physical, let first = measures.first {
                report.report(performance.path.child("phys_perf"), first, "is allowed only when qkdl_type is \(ETSINamespace.typesPrefix):PHYS")
            } else {
                link.performance.physical = Self.decodeMeasures(measures, within: performance, &report)
            }
            performance.finish(&report)
        }
        return link
    }

    private static let virtualLeaves: [StaticString] = ["virt_prev_hop", "virt_next_hop", "virt_bandwidth"]
    private static let physicalLeaves: [StaticString] = ["phys_channel_att", "phys_wavelength", "phys_qkd_role"]

    /// `phys_perf` entries of the `performance` container.
    static func decodeMeasures(_ elements: [XMLNode], within performance: ElementReader, _ report: inout DecodingReport) -> [PhysicalMeasure] {
        ETSINode.decodeKeyedList(
            elements, key: "perf_type", within: performance, &report,
            readKey: { $0.identity("perf_type", ETSIPerformanceType.self, &$1) }
        ) {
            PhysicalMeasure(type: $1, value: $0.decimal("value", &$2))
        }
    }
}

extension ETSIApplication {
    static func decode(_ reader: ElementReader, id: ETSIUUID, _ report: inout DecodingReport) -> ETSIApplication {
        let status = reader.identity("app_status", ETSIApplicationStatus.self, &report)
        var application = decodeRequest(reader, &report)
        application.id = id
        application.status = status
        application.creationTime = reader.dateAndTime("creation_time", &report)
        application.expirationTime = reader.dateAndTime("expiration_time", &report)
        if let statistics = reader.container("app_statistics", &report) {
            var seen: Set<String> = []
            for element in statistics.all("statistics", &report) {
                let entry = statistics.reader(for: element)
                guard let end = entry.dateAndTime("end_time", &report) else {
                    if entry.first("end_time", &report) == nil {
                        report.report(entry.path, element, "has no end_time, the list's key")
                    }
                    continue
                }
                guard seen.insert(end).inserted else {
                    report.report(entry.path, element, "repeats the key end_time '\(end)' of an earlier entry")
                    continue
                }
                application.statistics.append(
                    Statistic(
                        endTime: end, startTime: entry.dateAndTime("start_time", &report), consumedBits: entry.uint32("consumed_bits", &report)
                    ))
                entry.finish(&report)
            }
            statistics.finish(&report)
        }
        application.qos = decodeQoS(reader, &report)
        application.backingLinkIDs = reader.uuids("backing_qkdl_id", &report)
        application.localNodeID = reader.uuid("local_qkdn_id", &report)
        application.remoteNodeID = reader.uuid("remote_qkdn_id", &report)
        return application
    }

    /// GS QKD 015's `app_details`: kind, parties and priority (the id is left nil-UUID).
    static func decodeRequest(_ reader: ElementReader, _ report: inout DecodingReport) -> ETSIApplication {
        var application = ETSIApplication(id: .zero)
        application.type = reader.identity("app_type", ETSIApplicationType.self, &report)
        application.serverAppID = reader.string("server_app_id", &report)
        application.clientAppIDs = reader.all("client_app_id", &report).compactMap { reader.leafText($0, name: "client_app_id", &report) }
        application.priority = reader.uint32("app_priority", &report)
        return application
    }

    static func decodeQoS(_ reader: ElementReader, _ report: inout DecodingReport) -> QualityOfService {
        guard let qos = reader.container("app_qos", &report) else { return QualityOfService() }
        defer { qos.finish(&report) }
        return QualityOfService(
            maxBandwidthBps: qos.uint32("max_bandwidth", &report), minBandwidthBps: qos.uint32("min_bandwidth", &report),
            jitter: qos.uint32("jitter", &report), ttl: qos.uint32("ttl", &report),
            clientsSharedPathEnable: qos.bool("clients_shared_path_enable", &report),
            clientsSharedKeysRequired: qos.bool("clients_shared_keys_required", &report)
        )
    }
}
