/// What the paths of one answer may not share.
public enum Disjointness: String, Sendable, CaseIterable {
    /// No relay node and no link in common: a key split over the paths is never whole at any relay.
    case node
    /// No link in common; the paths may cross at a trusted relay.
    case link
}
