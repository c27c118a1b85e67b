import Foundation
import QonduitCore
import Testing

@Suite struct JSONStringLiteralTests {
    @Test func quotesBackslashesAndControlCharactersAreEscapedAndTheRestCopied() throws {
        let value = "plain \"quoted\" back\\slash\nline\rreturn\ttab\u{01}bell é 量子"
        let literal = JSONStringLiteral.text(value)
        #expect(literal == #""plain \"quoted\" back\\slash\nline\rreturn\ttab\u0001bell é 量子""#)
        #expect(try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed) as? String == value)
    }

    @Test func appendingKeepsWhatWasWritten() {
        var bytes = Array("[".utf8)
        JSONStringLiteral.append("a", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"["a""#)
    }
}
