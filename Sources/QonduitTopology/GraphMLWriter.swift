import QonduitCore
import QonduitXML

/// Writes a topology as GraphML with the attribute names `GraphMLReader` reads back.
enum GraphMLWriter {
    private static let ns = GraphMLNamespace.uri
    private static let keys: [(id: String, domain: String, name: String, type: String)] = [
        ("n_name", "node", "name", "string"),
        ("n_trusted", "node", "trusted", "boolean"),
        ("n_lat", "node", "Latitude", "double"),
        ("n_lon", "node", "Longitude", "double"),
        ("n_site", "node", "site", "string"),
        ("n_status", "node", "status", "string"),
        ("e_length", "edge", "length_km", "double"),
        ("e_rate", "edge", "key_rate_bps", "double"),
        ("e_status", "edge", "status", "string"),
        ("e_qber", "edge", "qber", "double"),
        ("e_cost", "edge", "cost", "double"),
    ]

    static func write(_ topology: Topology, comment: String?) -> String {
        var graph = XMLElement(
            "graph", namespace: ns,
            attributes: [
                XMLAttribute("id", value: "qonduit"), XMLAttribute("edgedefault", value: "undirected"),
            ])
        func data(_ key: String, _ value: String) -> XMLElement {
            XMLElement("data", namespace: ns, attributes: [XMLAttribute("key", value: key)], text: value)
        }
        for node in topology.nodes.sorted(by: { $0.id < $1.id }) {
            var children = [data("n_name", node.name), data("n_trusted", node.trusted ? "true" : "false")]
            if let location = node.location {
                children.append(data("n_lat", DecimalText.format(location.latitude, fractionDigits: 6)))
                children.append(data("n_lon", DecimalText.format(location.longitude, fractionDigits: 6)))
            }
            if let site = node.site { children.append(data("n_site", site)) }
            children.append(data("n_status", node.status.rawValue))
            graph.children.append(
                XMLElement(
                    "node", namespace: ns, attributes: [XMLAttribute("id", value: node.id.rawValue)], children: children
                ))
        }
        for link in topology.links.sorted(by: { $0.id < $1.id }) {
            var children = [
                data("e_length", DecimalText.format(link.lengthKm, fractionDigits: 3)),
                data("e_rate", DecimalText.format(link.keyRateBps, fractionDigits: 3)),
                data("e_status", link.status.rawValue),
            ]
            if let qber = link.qber { children.append(data("e_qber", DecimalText.format(qber, fractionDigits: 6))) }
            children.append(data("e_cost", DecimalText.format(link.cost, fractionDigits: 3)))
            graph.children.append(
                XMLElement(
                    "edge", namespace: ns,
                    attributes: [
                        XMLAttribute("id", value: link.id.rawValue),
                        XMLAttribute("source", value: link.nodeA.rawValue),
                        XMLAttribute("target", value: link.nodeB.rawValue),
                    ], children: children))
        }
        let keyElements = keys.map { key in
            XMLElement(
                "key", namespace: ns,
                attributes: [
                    XMLAttribute("id", value: key.id), XMLAttribute("for", value: key.domain),
                    XMLAttribute("attr.name", value: key.name), XMLAttribute("attr.type", value: key.type),
                ])
        }
        let root = XMLElement("graphml", namespace: ns, children: keyElements + [graph])
        return XMLDocumentWriter.serialize(root, namespaces: [.init(prefix: nil, uri: ns)], comment: comment)
    }
}
