/// How an imported topology combines with the inventory.
public enum ImportMode: String, Sendable, CaseIterable {
    /// Create what is new, update what changed, keep what the file does not mention.
    case merge
    /// As `merge`, and also remove the nodes and links the file does not have.
    case replace
}
