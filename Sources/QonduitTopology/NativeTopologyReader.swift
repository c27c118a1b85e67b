import QonduitXML

/// Reads RFC 8345 `networks` instance data with Qonduit's QKD augmentation.
///
/// Unknown elements in the QKD namespace are errors (a misspelt leaf must not vanish silently);
/// other RFC 8345 content (termination points, supporting nodes) and foreign namespaces are skipped.
enum NativeTopologyReader {
    private typealias NS = NativeTopologyNamespace

    static func read(_ root: XMLElement) -> TopologyDraft {
        var draft = TopologyDraft(format: .qonduit)
        var fields = FieldReader()
        let networks = root.children(named: "network", namespace: NS.network)
        if networks.isEmpty {
            fields.report(root, subject: "<networks>", "contains no <network>")
        }
        for network in networks {
            let networkName = network.firstChild(named: "network-id", namespace: NS.network)?.trimmedText ?? "?"
            let isQKD =
                network.firstChild(named: "network-types", namespace: NS.network)?
                .firstChild(named: "qkd-network", namespace: NS.qkd) != nil
            if !isQKD {
                draft.warnings.append(
                    TopologyIssue(
                        line: network.line, subject: "network '\(networkName)'",
                        message: "network-types lacks qkd-network; its QKD attributes are read anyway"
                    ))
            }
            for element in network.children(named: "node", namespace: NS.network) {
                if let node = readNode(element, fields: &fields) { draft.nodes.append(node) }
            }
            for element in network.children(named: "link", namespace: NS.topology) {
                if let link = readLink(element, fields: &fields) { draft.links.append(link) }
            }
        }
        draft.issues = fields.issues
        return draft
    }

    private static func readNode(_ element: XMLElement, fields: inout FieldReader) -> DraftNode? {
        guard let idElement = element.firstChild(named: "node-id", namespace: NS.network),
            let id = fields.text(idElement, subject: "<node>", field: "node-id")
        else {
            fields.report(element, subject: "<node>", "has no node-id")
            return nil
        }
        var node = DraftNode(id: id, line: element.line)
        let subject = "node '\(id)'"
        for container in element.children where container.namespaceURI == NS.qkd {
            guard container.localName == "qkd-node" else {
                fields.report(container, subject: subject, "unknown element <\(container.localName)> in the QKD namespace")
                continue
            }
            for leaf in container.children where leaf.namespaceURI == NS.qkd {
                switch leaf.localName {
                case "name": node.name = fields.text(leaf, subject: subject, field: "name")
                case "trusted": node.trusted = fields.boolean(leaf, subject: subject, field: "trusted")
                case "latitude": node.latitude = fields.number(leaf, subject: subject, field: "latitude")
                case "longitude": node.longitude = fields.number(leaf, subject: subject, field: "longitude")
                case "site": node.site = fields.text(leaf, subject: subject, field: "site")
                case "status": node.status = leaf.trimmedText
                case "qkdn-id": node.qkdnID = leaf.trimmedText
                case "device-url": node.deviceURL = fields.text(leaf, subject: subject, field: "device-url")
                default: fields.report(leaf, subject: subject, "unknown element <qkd-node/\(leaf.localName)>")
                }
            }
        }
        return node
    }

    private static func readLink(_ element: XMLElement, fields: inout FieldReader) -> DraftLink? {
        guard let idElement = element.firstChild(named: "link-id", namespace: NS.topology),
            let id = fields.text(idElement, subject: "<link>", field: "link-id")
        else {
            fields.report(element, subject: "<link>", "has no link-id")
            return nil
        }
        let subject = "link '\(id)'"
        let source = element.firstChild(named: "source", namespace: NS.topology)?
            .firstChild(named: "source-node", namespace: NS.topology)?.trimmedText
        let destination = element.firstChild(named: "destination", namespace: NS.topology)?
            .firstChild(named: "dest-node", namespace: NS.topology)?.trimmedText
        guard let source, !source.isEmpty, let destination, !destination.isEmpty else {
            fields.report(element, subject: subject, "needs both source/source-node and destination/dest-node")
            return nil
        }
        var link = DraftLink(id: id, line: element.line, nodeA: source, nodeB: destination)
        for container in element.children where container.namespaceURI == NS.qkd {
            guard container.localName == "qkd-link" else {
                fields.report(container, subject: subject, "unknown element <\(container.localName)> in the QKD namespace")
                continue
            }
            for leaf in container.children where leaf.namespaceURI == NS.qkd {
                switch leaf.localName {
                case "length-km": link.lengthKm = fields.number(leaf, subject: subject, field: "length-km")
                case "key-rate-bps": link.keyRateBps = fields.number(leaf, subject: subject, field: "key-rate-bps")
                case "status": link.status = leaf.trimmedText
                case "qber": link.qber = fields.number(leaf, subject: subject, field: "qber")
                case "cost": link.cost = fields.number(leaf, subject: subject, field: "cost")
                case "qkdl-id": link.qkdlID = leaf.trimmedText
                default: fields.report(leaf, subject: subject, "unknown element <qkd-link/\(leaf.localName)>")
                }
            }
        }
        return link
    }
}
