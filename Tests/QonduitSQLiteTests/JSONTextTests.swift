import Foundation
import QonduitStorage
import Testing

@Suite struct JSONTextTests {
    @Test func writesWhatJSONReadersReadBack() throws {
        let awkward = ["plain", "quote \" and \\ backslash", "new\nline\ttab", "control \u{1}", "unicode é ✓ 𝄞", ""]
        let array = JSONText.array(awkward)
        #expect(try JSONSerialization.jsonObject(with: Data(array.utf8)) as? [String] == awkward)
        #expect(JSONText.strings(array) == awkward)
        let object = JSONText.object([("a", JSONText.string("x\"y")), ("skipped", nil), ("b", array)])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(object.utf8)) as? [String: Any])
        #expect(parsed["a"] as? String == "x\"y" && parsed["b"] as? [String] == awkward && parsed["skipped"] == nil)
    }

    @Test func readsEscapesAndRefusesAnythingButAnArrayOfStrings() {
        #expect(JSONText.strings(#" [ "a\/b" , "\u00e9\n" ] "#) == ["a/b", "é\n"])
        #expect(JSONText.strings("[]") == [])
        for bad in ["", "[", "[\"a\"", "[\"a\",]", "[1]", "{\"a\":1}", "[\"a\"] x", "[\"\\q\"]", "[\"\\u12\"]", "[\"a\"\"b\"]"] {
            #expect(JSONText.strings(bad) == nil, "\(bad)")
        }
    }
}
