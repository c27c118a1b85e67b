/// Bounds that keep a hostile document from exhausting the controller.
public struct XMLParseLimits: Sendable, Equatable {
    /// Largest document accepted, in bytes.
    public var maxBytes: Int
    /// Deepest element nesting accepted. libxml2 itself stops at 256 without its "huge" option.
    public var maxDepth: Int

    public init(maxBytes: Int = 64 * 1024 * 1024, maxDepth: Int = 128) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    public static let `default` = XMLParseLimits()
}
