/// A small open-addressing table from addresses to indices: interning a parse's few dozen names
/// without hashing their text.
struct PointerIndexTable: Sendable {
    private var keys: [UInt]
    private var values: [Int32]
    private var count = 0

    /// Room for `capacity` entries before the table grows (rounded up to a power of two).
    init(capacity: Int = 32) {
        var slots = 16
        while slots < capacity * 2 { slots *= 2 }
        keys = [UInt](repeating: 0, count: slots)
        values = [Int32](repeating: 0, count: slots)
    }

    subscript(pointer: UnsafeRawPointer) -> Int32? {
        get {
            let key = UInt(bitPattern: pointer)
            var slot = Self.slot(key, keys.count)
            while keys[slot] != 0 {
                if keys[slot] == key { return values[slot] }
                slot = (slot + 1) & (keys.count - 1)
            }
            return nil
        }
        set {
            guard let newValue else { return }
            if (count + 1) * 2 > keys.count { grow() }
            insert(UInt(bitPattern: pointer), newValue)
        }
    }

    private mutating func insert(_ key: UInt, _ value: Int32) {
        var slot = Self.slot(key, keys.count)
        while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & (keys.count - 1) }
        if keys[slot] == 0 { count += 1 }
        keys[slot] = key
        values[slot] = value
    }

    private mutating func grow() {
        let old = zip(keys, values).filter { $0.0 != 0 }
        keys = [UInt](repeating: 0, count: keys.count * 2)
        values = [Int32](repeating: 0, count: keys.count)
        count = 0
        for (key, value) in old { insert(key, value) }
    }

    private static func slot(_ key: UInt, _ capacity: Int) -> Int {
        // Fibonacci hashing of the address; its low bits are alignment and carry no information.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & (capacity - 1)
    }
}
