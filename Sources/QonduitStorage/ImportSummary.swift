public import QonduitCore
public import QonduitTopology

/// What an import changed, for the API's answer and the CLI's report.
public struct ImportSummary: Sendable, Equatable {
    public struct Counts: Sendable, Equatable {
        public var created = 0
        public var updated = 0
        public var unchanged = 0
        public var removed = 0

        public init(created: Int = 0, updated: Int = 0, unchanged: Int = 0, removed: Int = 0) {
            self.created = created
            self.updated = updated
            self.unchanged = unchanged
            self.removed = removed
        }
    }

    public var format: TopologyFormat
    public var mode: ImportMode
    public var nodes = Counts()
    public var links = Counts()
    public var warnings: [TopologyIssue] = []

    public init(format: TopologyFormat, mode: ImportMode, warnings: [TopologyIssue] = []) {
        self.format = format
        self.mode = mode
        self.warnings = warnings
    }
}
