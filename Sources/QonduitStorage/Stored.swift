public import Foundation

/// A value as the inventory holds it, with its bookkeeping timestamps.
public struct Stored<Value: Sendable>: Sendable {
    public var value: Value
    public var createdAt: Date
    public var updatedAt: Date

    public init(value: Value, createdAt: Date, updatedAt: Date) {
        self.value = value
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Stored: Equatable where Value: Equatable {}

/// One page of a listing, with the total count for paging.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}
