public import QonduitCore

extension QKDNode {
    /// The node as a store keeps it: valid, quantised; or why it cannot be kept.
    public func storable() throws(NetworkError) -> QKDNode {
        do { return try validated().quantized() } catch { throw .invalid(error) }
    }
}

extension QKDLink {
    /// The link as a store keeps it: valid, quantised; or why it cannot be kept.
    public func storable() throws(NetworkError) -> QKDLink {
        do { return try validated().quantized() } catch { throw .invalid(error) }
    }
}

extension NodeStatus {
    /// What an agent may report of its node, as the agent's `node_status` keeps it: `unreachable` is
    /// the controller's own verdict, and a tree that states none is kept as `unknown`.
    public static func statedByAgent(_ status: NodeStatus?) -> NodeStatus {
        guard let status, status != .unreachable else { return .unknown }
        return status
    }
}
