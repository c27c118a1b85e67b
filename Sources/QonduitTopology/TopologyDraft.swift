/// A topology as a format reader found it: raw ids and optional values with their source lines,
/// before ids, references, lengths and key rates are checked and completed by `TopologyAssembler`.
public struct TopologyDraft: Sendable {
    public var format: TopologyFormat
    public var nodes: [DraftNode] = []
    public var links: [DraftLink] = []
    /// Problems the reader found (bad numbers, unknown elements); the assembler adds its own.
    public var issues: [TopologyIssue] = []
    public var warnings: [TopologyIssue] = []

    public init(format: TopologyFormat) {
        self.format = format
    }

    /// The devices the file gives addresses for, by node id, as written.
    public var deviceURLs: [(node: String, url: String)] {
        nodes.compactMap { node in node.deviceURL.map { (node.id, $0) } }
    }
}

public struct DraftNode: Sendable {
    public var id: String
    public var line: Int
    public var name: String?
    public var trusted: Bool?
    public var latitude: Double?
    public var longitude: Double?
    public var site: String?
    public var status: NodeStatusText?
    /// GS QKD 015 identity as written; the assembler checks it.
    public var qkdnID: String?
    /// The address of the node's standard GS QKD 015 device, to onboard after the import.
    public var deviceURL: String?

    public init(id: String, line: Int) {
        self.id = id
        self.line = line
    }
}

public struct DraftLink: Sendable {
    /// Nil when the file gives none (GraphML edges may omit it); the assembler derives one.
    public var id: String?
    public var line: Int
    public var nodeA: String
    public var nodeB: String
    public var lengthKm: Double?
    public var keyRateBps: Double?
    public var status: LinkStatusText?
    public var qber: Double?
    /// The operator's cost; 1 when the file gives none.
    public var cost: Double?
    public var qkdlID: String?

    public init(id: String?, line: Int, nodeA: String, nodeB: String) {
        self.id = id
        self.line = line
        self.nodeA = nodeA
        self.nodeB = nodeB
    }
}

/// A status as written in a file, checked by the assembler so the error names the node or link.
public typealias NodeStatusText = String
public typealias LinkStatusText = String
