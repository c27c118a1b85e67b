import QonduitCore
import QonduitXML

/// Writes a topology as RFC 8345 instance data that validates against `Models/qonduit-qkd-topology.yang`.
enum NativeTopologyWriter {
    private typealias NS = NativeTopologyNamespace

    static func write(_ topology: Topology, networkID: String, comment: String?, deviceURLs: [NodeID: String] = [:]) -> String {
        var network = XMLElement(
            "network", namespace: NS.network,
            children: [
                .leaf("network-id", namespace: NS.network, networkID),
                XMLElement("network-types", namespace: NS.network, children: [XMLElement("qkd-network", namespace: NS.qkd)]),
            ])
        for node in topology.nodes.sorted(by: { $0.id < $1.id }) {
            var attributes: [XMLElement] = [
                .leaf("name", namespace: NS.qkd, node.name),
                .leaf("trusted", namespace: NS.qkd, node.trusted ? "true" : "false"),
            ]
            if let location = node.location {
                attributes.append(.leaf("latitude", namespace: NS.qkd, DecimalText.format(location.latitude, fractionDigits: 6)))
                attributes.append(.leaf("longitude", namespace: NS.qkd, DecimalText.format(location.longitude, fractionDigits: 6)))
            }
            if let site = node.site { attributes.append(.leaf("site", namespace: NS.qkd, site)) }
            attributes.append(.leaf("status", namespace: NS.qkd, node.status.rawValue))
            if let qkdnID = node.qkdnID { attributes.append(.leaf("qkdn-id", namespace: NS.qkd, qkdnID.text)) }
            if let url = deviceURLs[node.id] { attributes.append(.leaf("device-url", namespace: NS.qkd, url)) }
            network.children.append(
                XMLElement(
                    "node", namespace: NS.network,
                    children: [
                        .leaf("node-id", namespace: NS.network, node.id.rawValue),
                        XMLElement("qkd-node", namespace: NS.qkd, children: attributes),
                    ]))
        }
        for link in topology.links.sorted(by: { $0.id < $1.id }) {
            var attributes: [XMLElement] = [
                .leaf("length-km", namespace: NS.qkd, DecimalText.format(link.lengthKm, fractionDigits: 3)),
                .leaf("key-rate-bps", namespace: NS.qkd, DecimalText.format(link.keyRateBps, fractionDigits: 3)),
                .leaf("status", namespace: NS.qkd, link.status.rawValue),
            ]
            if let qber = link.qber { attributes.append(.leaf("qber", namespace: NS.qkd, DecimalText.format(qber, fractionDigits: 6))) }
            attributes.append(.leaf("cost", namespace: NS.qkd, DecimalText.format(link.cost, fractionDigits: 3)))
            if let qkdlID = link.qkdlID { attributes.append(.leaf("qkdl-id", namespace: NS.qkd, qkdlID.text)) }
            network.children.append(
                XMLElement(
                    "link", namespace: NS.topology,
                    children: [
                        .leaf("link-id", namespace: NS.topology, link.id.rawValue),
                        XMLElement("source", namespace: NS.topology, children: [.leaf("source-node", namespace: NS.topology, link.nodeA.rawValue)]),
                        XMLElement(
                            "destination", namespace: NS.topology, children: [.leaf("dest-node", namespace: NS.topology, link.nodeB.rawValue)]),
                        XMLElement("qkd-link", namespace: NS.qkd, children: attributes),
                    ]))
        }
        let root = XMLElement("networks", namespace: NS.network, children: [network])
        return XMLDocumentWriter.serialize(
            root,
            namespaces: [
                .init(prefix: nil, uri: NS.network),
                .init(prefix: "nt", uri: NS.topology),
                .init(prefix: "qkd", uri: NS.qkd),
            ], comment: comment)
    }
}
