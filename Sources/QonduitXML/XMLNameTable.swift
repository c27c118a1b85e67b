#if canImport(Glibc)
    import Glibc
#endif

/// The names and namespace URIs of a document (with those of earlier documents the thread's parser
/// kept), each stored once as UTF-8 and numbered: the C tree builder's table, copied whole.
///
/// A decoder asks for a child by name many times per document; looking the name up here once
/// (FNV-1a over a few bytes, then one comparison) turns every later match into an integer compare.
/// Swift's `Dictionary<String, _>` costs several times more per look-up (SipHash).
struct XMLNameTable: Sendable {
    private let bytes: [UInt8]
    private let starts: [Int32]
    /// Open addressing: index + 1 of the name in each slot, 0 when the slot is empty.
    private let slots: [Int32]

    /// A copy of the table the C tree builder made (same layout, same hash).
    init(bytes: UnsafeBufferPointer<UInt8>, starts: UnsafeBufferPointer<Int32>, slots: UnsafeBufferPointer<Int32>) {
        precondition(slots.count > 0 && slots.count & (slots.count - 1) == 0 && starts.first == 0, "a name table's slots come in powers of two")
        self.bytes = Array(bytes)
        self.starts = Array(starts)
        self.slots = Array(slots)
    }

    var count: Int { starts.count - 1 }

    func index(of name: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(name)
        return slots.withUnsafeBufferPointer { slots in
            starts.withUnsafeBufferPointer { starts in
                bytes.withUnsafeBufferPointer { stored in
                    let mask = slots.count - 1
                    var slot = hash & mask
                    while slots[slot] != 0 {
                        let index = Int(slots[slot] - 1)
                        let start = Int(starts[index])
                        if Int(starts[index + 1]) - start == name.count
                            && (name.isEmpty || memcmp(stored.baseAddress! + start, name.baseAddress!, name.count) == 0)
                        {
                            return Int32(index)
                        }
                        slot = (slot + 1) & mask
                    }
                    return nil
                }
            }
        }
    }

    func index(of name: String) -> Int32? {
        var name = name
        return name.withUTF8 { index(of: $0) }
    }

    /// The string at `index`, or nil for -1 (no namespace).
    func optionalString(_ index: Int32) -> String? {
        index < 0 ? nil : string(index)
    }

    func string(_ index: Int32) -> String {
        bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[Int(starts[Int(index)])..<Int(starts[Int(index) + 1])]), as: UTF8.self)
        }
    }

    /// FNV-1a, folded as the C tree builder's `qx_hash_text` folds it: its slots are placed by that hash.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
