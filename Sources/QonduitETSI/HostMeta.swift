import QonduitXML

/// RFC 6415 host-meta, as RFC 8040 §3.1 uses it to say where a server's RESTCONF root is: an XRD
/// document (or its JSON form) with a link of relation `restconf`.
public enum HostMeta {
    static let xrd = "http://docs.oasis-open.org/ns/xri/xrd-1.0"

    /// The `href` of the `restconf` link; nil when the document has none.
    public static func restconfRoot(_ bytes: some Collection<UInt8>) -> String? {
        if ETSIEncoding(sniffing: bytes) == .json {
            guard case .object(let members)? = try? JSONValue.parse(bytes),
                case .array(let links)? = members.first(where: { $0.name == "links" })?.value
            else { return nil }
            for case .object(let link) in links {
                guard case .string("restconf")? = link.first(where: { $0.name == "rel" })?.value,
                    case .string(let href)? = link.first(where: { $0.name == "href" })?.value
                else { continue }
                return href
            }
            return nil
        }
        guard let root = try? XMLDocumentParser.parse(bytes, limits: .init(maxBytes: 1 << 20, maxDepth: 16)), root.localName == "XRD" else {
            return nil
        }
        return root.children(named: "Link", namespace: xrd).first { $0.attribute("rel") == "restconf" }?.attribute("href")
    }
}
