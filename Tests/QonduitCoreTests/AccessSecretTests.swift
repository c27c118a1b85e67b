import QonduitCore
import Testing

@Suite struct AccessSecretTests {
    @Test func secretsAreFreshPrefixedAndRecognisedOnlyAsTheirKind() {
        let token = AccessSecret.random(.apiToken)
        let other = AccessSecret.random(.apiToken)
        #expect(token != other && token.text.hasPrefix("qdt_") && token.text.count == 68)
        #expect(AccessSecret(token.text, kind: .apiToken) == token)
        #expect(AccessSecret(token.text, kind: .agentCredential) == nil)
        #expect(AccessSecret(token.text.uppercased(), kind: .apiToken) == nil)
        #expect(AccessSecret(String(token.text.dropLast()), kind: .apiToken) == nil)
        #expect(!"\(token)".contains(token.text.dropFirst(4)), "its description never shows the secret")
    }

    @Test func theThreeDigestsDifferSoThatNoneStandsForAnother() {
        let credential = AccessSecret.random(.agentCredential)
        let digests = [credential.tokenHash, credential.agentVerifier, credential.controllerProof]
        #expect(Set(digests).count == 3 && digests.allSatisfy { $0.count == 64 })
        #expect(credential.agentVerifier == AccessSecret(credential.text, kind: .agentCredential)?.agentVerifier, "deterministic")
    }

    @Test(
        arguments: [
            ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER   abc  ", "abc"),
            ("Basic abc", nil), ("Bearer", nil), ("Bearer ", nil), ("abc", nil),
        ] as [(String, String?)])
    func bearerHeadersAreRead(_ header: String, _ expected: String?) {
        #expect(bearerCredentials(header) == expected)
    }

    @Test func rolesAllowWhatTheRolesBelowThemAllow() {
        #expect(Role.admin.allows(.operator) && Role.operator.allows(.viewer) && Role.viewer.allows(.viewer))
        #expect(!Role.viewer.allows(.operator) && !Role.operator.allows(.admin))
        #expect(constantTimeEquals("abc", "abc") && !constantTimeEquals("abc", "abd") && !constantTimeEquals("abc", "ab"))
    }
}
