/// Everything the controller keeps, by concern. Callers hold `any Inventory` (or the one concern
/// they need); `QonduitSQLite` is the embedded implementation, and `StorageConformance` (in the
/// tests) is what any implementation must pass.
public protocol Inventory: NetworkStore, KeyPathStore, AgentStore, AccessStore, LogStore, ChangeFeed, ControllerLease {}
