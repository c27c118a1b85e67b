import QonduitETSI

/// How a simulated device names the top-level member of the JSON it answers with: `qualified` by its
/// module as RFC 7951 says (`etsi-qkd-sdn-node:qkd_links`), or `unprefixed` (`qkd_links`) as ETSI
/// TeraFlowSDN's mock node answers and its driver reads: a TeraFlowSDN deployment can then be tried
/// against the simulator.
public enum JSONMemberNames: String, Sendable, CaseIterable {
    case qualified, unprefixed

    /// `document` as this naming writes it; XML and qualified JSON pass unchanged.
    func apply(_ document: String, _ encoding: ETSIEncoding) -> String {
        guard self == .unprefixed, encoding == .json else { return document }
        let prefix = "{\"etsi-qkd-sdn-node:"
        guard document.hasPrefix(prefix) else { return document }
        return "{\"" + document.dropFirst(prefix.count)
    }
}
