import QonduitCore
import Testing

@Suite struct IdentifierTests {
    @Test(arguments: ["A", "node-1", "relay_07", "bjs.r01", "urn:x:1", String(repeating: "x", count: 64)])
    func acceptsLettersDigitsAndSeparators(_ text: String) throws {
        #expect(try NodeID(text).rawValue == text)
    }

    @Test(arguments: [
        ("", "must not be empty"),
        (String(repeating: "x", count: 65), "at most 64"),
        ("a b", "a space"),
        ("../etc/passwd", "'/'"),
        ("x'; DROP TABLE node;--", "'''"),
        ("caf\u{e9}", "byte 0xC3"),
    ])
    func refusesEverythingElseNamingTheProblem(_ text: String, _ expected: String) {
        #expect {
            try NodeID(text)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}
