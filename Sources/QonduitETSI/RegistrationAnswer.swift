public import QonduitCore
import QonduitXML

/// The controller's answer to a registering agent: `qonduit-qkd-agent:registration`.
public struct RegistrationAnswer: Sendable, Equatable {
    public var qkdnID: QKDUUID
    /// The node's id in the controller's inventory.
    public var nodeID: String
    public var heartbeatIntervalMs: UInt32

    public init(qkdnID: QKDUUID, nodeID: String, heartbeatIntervalMs: UInt32) {
        self.qkdnID = qkdnID
        self.nodeID = nodeID
        self.heartbeatIntervalMs = heartbeatIntervalMs
    }

    public func encoded() -> String {
        var root = ETSIXML.Builder("registration", namespace: ETSINamespace.agent)
        root.leaf("qkdn_id", qkdnID.text)
        root.leaf("node-id", nodeID)
        root.leaf("heartbeat-interval-ms", heartbeatIntervalMs)
        return XMLDocumentWriter.serialize(root.built, namespaces: [.init(prefix: nil, uri: ETSINamespace.agent)])
    }

    public static func decode(_ bytes: some Collection<UInt8>) throws(ETSIDecodingError) -> RegistrationAnswer {
        let root = try ETSIDocument.root(bytes, name: "registration", namespace: ETSINamespace.agent)
        var report = DecodingReport()
        let reader = ElementReader(root: root, path: "/\(ETSINamespace.agentModule):registration", namespace: ETSINamespace.agent)
        let id = reader.require(reader.uuid("qkdn_id", &report), "qkdn_id", &report)
        let node = reader.require(reader.string("node-id", &report), "node-id", &report)
        let interval = reader.require(reader.uint32("heartbeat-interval-ms", &report), "heartbeat-interval-ms", &report)
        reader.finish(&report)
        guard report.issues.isEmpty, let id, let node, let interval else { throw ETSIDecodingError(issues: report.issues) }
        return RegistrationAnswer(qkdnID: id, nodeID: node, heartbeatIntervalMs: interval)
    }
}
