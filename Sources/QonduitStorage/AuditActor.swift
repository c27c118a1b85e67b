/// How the audit log names who made a request: `token:ID` (an operator's API token), `agent:ID` (a
/// node agent's credential), each ID 16 hexadecimal digits, or `anonymous` (no valid token).
public enum AuditActor {
    public static func isWellFormed(_ text: String) -> Bool {
        if text == "anonymous" { return true }
        for prefix in ["token:", "agent:"] where text.hasPrefix(prefix) {
            let id = text.dropFirst(prefix.count)
            return id.count == 16 && id.allSatisfy(\.isHexDigit)
        }
        return false
    }
}
