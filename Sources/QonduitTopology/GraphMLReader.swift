import QonduitXML

/// Reads GraphML as yEd, networkx and the Internet Topology Zoo write it.
///
/// Node attributes: `label`/`name`, `Latitude`/`Longitude`, and Qonduit's own `trusted`, `site`,
/// `status`; yEd's node labels are read from its `nodegraphics`. Edge attributes: `dist`,
/// `length` or `length_km` for the length, `key_rate_bps`, `status`, `qber`, `cost`. Attributes it has
/// no use for are listed in one warning rather than dropped silently.
enum GraphMLReader {
    private struct Key {
        var name: String
        var domain: String
        var isYEdNodeGraphics: Bool
        var defaultValue: XMLElement?
    }

    static func read(_ root: XMLElement) -> TopologyDraft {
        var draft = TopologyDraft(format: .graphml)
        var fields = FieldReader()
        let ns = root.namespaceURI
        var keys: [String: Key] = [:]
        for key in root.children(named: "key", namespace: ns) {
            guard let id = key.attribute("id") else {
                fields.report(key, subject: "<key>", "has no id attribute")
                continue
            }
            keys[id] = Key(
                name: key.attribute("attr.name") ?? id,
                domain: key.attribute("for") ?? "all",
                isYEdNodeGraphics: key.attribute("yfiles.type") == "nodegraphics",
                defaultValue: key.firstChild(named: "default", namespace: ns)
            )
        }
        let graphs = root.children(named: "graph", namespace: ns)
        if graphs.isEmpty { fields.report(root, subject: "<graphml>", "contains no <graph>") }
        if graphs.count > 1 { fields.report(graphs[1], subject: "<graphml>", "holds several graphs; put one network in a file") }
        var ignored: Set<String> = []
        for graph in graphs.prefix(1) {
            for element in graph.children where element.namespaceURI == ns {
                switch element.localName {
                case "node":
                    if let node = readNode(element, ns: ns, keys: keys, fields: &fields, ignored: &ignored) {
                        draft.nodes.append(node)
                    }
                case "edge":
                    if let link = readEdge(element, ns: ns, keys: keys, fields: &fields, ignored: &ignored) {
                        draft.links.append(link)
                    }
                case "hyperedge":
                    fields.report(element, subject: "<hyperedge>", "hyperedges are not supported: a QKD link joins two nodes")
                default:
                    break
                }
            }
        }
        if !ignored.isEmpty {
            draft.warnings.append(
                TopologyIssue(
                    line: nil, subject: "GraphML attributes",
                    message: "not imported (no Qonduit field): \(ignored.sorted().joined(separator: ", "))"
                ))
        }
        draft.issues = fields.issues
        return draft
    }

    /// The data values of an element by attribute name, defaults first, then its own `<data>`.
    private static func values(
        of element: XMLElement, domain: String, ns: String?, keys: [String: Key], fields: inout FieldReader, subject: String
    ) -> [String: XMLElement] {
        var result: [String: XMLElement] = [:]
        for key in keys.values where (key.domain == domain || key.domain == "all") {
            if let value = key.defaultValue { result[key.name] = value }
        }
        for data in element.children(named: "data", namespace: ns) {
            guard let keyID = data.attribute("key"), let key = keys[keyID] else {
                fields.report(data, subject: subject, "<data> refers to undeclared key '\(data.attribute("key") ?? "")'")
                continue
            }
            if key.isYEdNodeGraphics {
                if let label = firstDescendant(named: "NodeLabel", in: data), !label.trimmedText.isEmpty {
                    result["label"] = label
                }
                continue
            }
            result[key.name] = data
        }
        return result
    }

    private static func firstDescendant(named name: String, in element: XMLElement) -> XMLElement? {
        for child in element.children {
            if child.localName == name { return child }
            if let found = firstDescendant(named: name, in: child) { return found }
        }
        return nil
    }

    private static func readNode(
        _ element: XMLElement, ns: String?, keys: [String: Key], fields: inout FieldReader, ignored: inout Set<String>
    ) -> DraftNode? {
        guard let id = element.attribute("id") else {
            fields.report(element, subject: "<node>", "has no id attribute")
            return nil
        }
        let subject = "node '\(id)'"
        if element.firstChild(named: "graph", namespace: ns) != nil {
            fields.report(element, subject: subject, "nested graphs are not supported")
        }
        var node = DraftNode(id: id, line: element.line)
        for (name, value) in values(of: element, domain: "node", ns: ns, keys: keys, fields: &fields, subject: subject) {
            switch name.lowercased() {
            case "label", "name":
                // `name` wins over `label` when a file has both.
                if node.name == nil || name.lowercased() == "name" { node.name = value.trimmedText.isEmpty ? nil : value.trimmedText }
            case "latitude", "lat": node.latitude = fields.number(value, subject: subject, field: name)
            case "longitude", "lon", "lng": node.longitude = fields.number(value, subject: subject, field: name)
            case "trusted": node.trusted = fields.boolean(value, subject: subject, field: name)
            case "site": node.site = value.trimmedText.isEmpty ? nil : value.trimmedText
            case "status": node.status = value.trimmedText
            default: ignored.insert(name)
            }
        }
        return node
    }

    private static func readEdge(
        _ element: XMLElement, ns: String?, keys: [String: Key], fields: inout FieldReader, ignored: inout Set<String>
    ) -> DraftLink? {
        let id = element.attribute("id")
        guard let source = element.attribute("source"), let target = element.attribute("target") else {
            fields.report(element, subject: id.map { "link '\($0)'" } ?? "<edge>", "needs both source and target attributes")
            return nil
        }
        var link = DraftLink(id: id, line: element.line, nodeA: source, nodeB: target)
        let subject = "link '\(id ?? "\(source)--\(target)")'"
        for (name, value) in values(of: element, domain: "edge", ns: ns, keys: keys, fields: &fields, subject: subject) {
            switch name.lowercased() {
            case "dist", "length", "length_km": link.lengthKm = fields.number(value, subject: subject, field: name)
            case "key_rate_bps": link.keyRateBps = fields.number(value, subject: subject, field: name)
            case "status": link.status = value.trimmedText
            case "qber": link.qber = fields.number(value, subject: subject, field: name)
            case "cost": link.cost = fields.number(value, subject: subject, field: name)
            default: ignored.insert(name)
            }
        }
        return link
    }
}
