import QonduitCore
import QonduitTestSupport
import Testing

@Suite struct QKDUUIDTests {
    @Test func acceptsEitherCaseAndKeepsLowerCase() throws {
        let uuid = try #require(QKDUUID("6F1C2A1E-0000-4000-8000-00000000ABCD"))
        #expect(uuid.text == "6f1c2a1e-0000-4000-8000-00000000abcd")
        #expect(uuid == QKDUUID("6f1c2a1e-0000-4000-8000-00000000abcd"))
    }

    @Test(arguments: [
        "", "6f1c2a1e00004000800000000000abcd", "6f1c2a1e-0000-4000-8000-00000000abcg", "6f1c2a1e-0000-4000-8000_00000000abcd",
        "6f1c2a1e-0000-4000-8000-00000000abcde", " 6f1c2a1e-0000-4000-8000-00000000abc",
        // Each byte just outside the digits and letters, in each group.
        "/f1c2a1e-0000-4000-8000-00000000abcd", "6f1c2a1e-:000-4000-8000-00000000abcd", "6f1c2a1e-0000-@000-8000-00000000abcd",
        "6f1c2a1e-0000-4000-`000-00000000abcd", "6f1c2a1e-0000-4000-8000-0000000{abcd", "6f1c2a1e-0000-4000-8000-00000000abcG",
        "6f1c2a1e-0000-4000-8000-0000000abc\u{E9}",
    ])
    func refusesWhatIsNotAUUID(_ text: String) {
        #expect(QKDUUID(text) == nil)
    }

    @Test func randomUUIDsAreVersion4AndDistinct() {
        let uuids = (0..<1_000).map { _ in QKDUUID.random() }
        #expect(Set(uuids).count == 1_000)
        #expect(uuids.allSatisfy { QKDUUID($0.text) == $0 && Array($0.text)[14] == "4" && "89ab".contains(Array($0.text)[19]) })
    }

    @Test func ordersAsItsTextAndRoundTripsEveryDigit() {
        var generator = SeededRandom(seed: 7)
        let uuids =
            (0..<500).map { _ in QKDUUID.random(using: &generator) }
            + ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "01234567-89ab-cdef-0123-456789abcdef"].compactMap(
                QKDUUID.init)
        #expect(uuids.sorted().map(\.text) == uuids.map(\.text).sorted())
        #expect(uuids.allSatisfy { QKDUUID($0.text) == $0 && $0.text.count == 36 })
        #expect(QKDUUID("01234567-89AB-CDEF-0123-456789ABCDEF")?.text == "01234567-89ab-cdef-0123-456789abcdef")
    }
}
