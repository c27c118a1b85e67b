public import QonduitCore
public import QonduitStorage

extension KeyPathStore {
    /// What `node` should hold and what is in progress there, as the reconciler works it out.
    public func holding(at node: NodeID) async throws -> NodeHolding {
        let touching = try await keyPathsTouching(node)
        return NodeHolding(paths: touching.paths, retiring: touching.retiring)
    }
}
