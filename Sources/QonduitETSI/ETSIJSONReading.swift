import QonduitCore
import QonduitXML

/// Reads RFC 7951 JSON (`application/yang-data+json`) of the GS QKD 015 modules as the XML tree the
/// same data has, so that one strict decoder types both encodings and their errors name the same
/// data paths. It reads what real devices send as well as what the RFC says:
///
/// - members without a module prefix, at the top too (a member takes its parent's module);
/// - identity values without their module (`VIRT` for `etsi-qkd-node-types:VIRT`);
/// - numbers as strings or as numbers, `true`/`false` as booleans or strings;
/// - `null` for a leaf without a value (the leaf is absent); `[null]` for a leaf of type `empty`.
///
/// Members of modules other than Qonduit's and GS QKD 015's are augmentations and are skipped, as
/// the XML decoder skips other namespaces.
enum ETSIJSONReader {
    /// The modules whose members are read, by name, with their XML namespace.
    static let modules: [String: String] = [
        ETSINamespace.nodeModule: ETSINamespace.node,
        ETSINamespace.agentModule: ETSINamespace.agent,
        "ietf-restconf": "urn:ietf:params:xml:ns:yang:ietf-restconf",
        ETSINamespace.restconfMonitoringModule: ETSINamespace.restconfMonitoring,
    ]

    /// Leaves of type identityref (all of them identities of `etsi-qkd-node-types`).
    static let identities: Set<String> = [
        "app_status", "app_type", "perf_type", "phys_qkd_role", "qkdi_status", "qkdi_type", "qkdl_status", "qkdl_type",
        "qkdn_status", "role_support", "severity",
    ]

    /// The document's one top-level member as an XML element: `name` in `namespace` (a member without
    /// a module prefix is taken to be that name in that namespace). A list entry sent as RESTCONF
    /// sends it, an array of one, is read as the entry.
    static func root(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits, name: String, namespace: String
    ) throws(ETSIDecodingError) -> XMLElement {
        let members = try topLevelMembers(bytes, limits: limits)
        var found: [JSONValue] = []
        for candidate in members where isTopLevel(candidate.name, name: name, namespace: namespace) { found.append(candidate.value) }
        guard found.count == 1 else {
            let names = members.map { "'\($0.name)'" }.joined(separator: ", ")
            let message =
                found.isEmpty
                ? "the document holds \(names.isEmpty ? "no member" : names), not '\(moduleName(namespace)):\(name)'"
                : "'\(name)' appears more than once"
            throw issue("/", message)
        }
        var value = found[0]
        if case .array(let entries) = value {
            guard entries.count == 1, let entry = entries.first else {
                throw issue("/\(moduleName(namespace)):\(name)", "a document of one list entry holds \(entries.count)")
            }
            value = entry
        }
        guard case .object = value else { throw issue("/\(moduleName(namespace)):\(name)", "expected a JSON object") }
        var depth = 0
        return try elements(name, namespace: namespace, value, path: "/\(moduleName(namespace)):\(name)", depth: &depth, limits: limits)[0]
    }

    /// An RFC 8040 §6.4 notification in JSON, `{"ietf-restconf:notification": {"eventTime": …,
    /// "MODULE:NAME": {…}}}`, as the RFC 5277 `<notification>` element the XML decoder reads (a body
    /// without module prefix is taken to be `etsi-qkd-sdn-node`'s).
    static func notification(_ bytes: some Collection<UInt8>, limits: XMLParseLimits) throws(ETSIDecodingError) -> XMLElement {
        let members = try topLevelMembers(bytes, limits: limits)
        guard members.count == 1, ["ietf-restconf:notification", "notification"].contains(members[0].name),
            case .object(let inner) = members[0].value
        else { throw issue("/", "expected one member, 'ietf-restconf:notification', holding an object") }
        var children: [XMLElement] = []
        var depth = 1
        for member in inner {
            if member.name == "eventTime" || member.name == "ietf-restconf:eventTime" {
                guard case .string(let time) = member.value else { throw issue("/notification/eventTime", "expected a string") }
                children.append(.leaf("eventTime", namespace: ETSINamespace.netconfNotification, time))
                continue
            }
            guard let (name, namespace) = qualifiedName(member.name, parent: ETSINamespace.node) else { continue }
            children += try elements(name, namespace: namespace, member.value, path: "/notification/" + member.name, depth: &depth, limits: limits)
        }
        return XMLElement("notification", namespace: ETSINamespace.netconfNotification, children: children)
    }

    /// The members of a document, which must be a JSON object within `limits`.
    private static func topLevelMembers(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits
    ) throws(ETSIDecodingError) -> [(name: String, value: JSONValue)] {
        guard bytes.count <= limits.maxBytes else { throw issue("/", "the document is larger than \(limits.maxBytes) bytes") }
        let document: JSONValue
        do throws(JSONSyntaxError) { document = try JSONValue.parse(bytes) } catch { throw issue("/", error.message) }
        guard case .object(let members) = document else { throw issue("/", "the document is not a JSON object") }
        return members
    }

    /// The elements one member stands for: one for a container or leaf, one per entry for a list
    /// or leaf-list, none for `null`.
    private static func elements(
        _ name: String, namespace: String, _ value: JSONValue, path: String, depth: inout Int, limits: XMLParseLimits
    ) throws(ETSIDecodingError) -> [XMLElement] {
        depth += 1
        defer { depth -= 1 }
        guard depth <= limits.maxDepth else { throw issue(path, "nested deeper than \(limits.maxDepth) levels") }
        switch value {
        case .null:
            return []
        case .object(let members):
            var children: [XMLElement] = []
            for member in members {
                guard let (childName, childNamespace) = qualifiedName(member.name, parent: namespace) else { continue }
                children += try elements(
                    childName, namespace: childNamespace, member.value, path: path + "/" + childName, depth: &depth, limits: limits)
            }
            return [XMLElement(name, namespace: namespace, children: children)]
        case .array(let entries):
            // `[null]` is how RFC 7951 writes a leaf of type empty.
            if entries.count == 1, case .null = entries[0] { return [XMLElement(name, namespace: namespace)] }
            var result: [XMLElement] = []
            for (index, entry) in entries.enumerated() {
                if case .array = entry { throw issue("\(path)[\(index)]", "an array inside an array is no YANG value") }
                if case .null = entry { throw issue("\(path)[\(index)]", "null is no list entry") }
                result += try elements(name, namespace: namespace, entry, path: path, depth: &depth, limits: limits)
            }
            return result
        case .string(let text):
            return [.leaf(name, namespace: namespace, identities.contains(name) ? identity(text) : text)]
        case .number(let text):
            return [.leaf(name, namespace: namespace, text)]
        case .bool(let value):
            return [.leaf(name, namespace: namespace, value ? "true" : "false")]
        }
    }

    /// A member's name and namespace: its module's when it names one, its parent's when it does not;
    /// nil for a module this reader does not read.
    private static func qualifiedName(_ name: String, parent: String) -> (String, String)? {
        guard name.contains(":") else { return (name, parent) }
        return qualified(name)
    }

    private static func isTopLevel(_ member: String, name: String, namespace: String) -> Bool {
        guard let known = qualified(member) else { return member == name }
        return known.0 == name && known.1 == namespace
    }

    private static func qualified(_ name: String) -> (String, String)? {
        guard let colon = name.firstIndex(of: ":") else { return nil }
        guard let namespace = modules[String(name[..<colon])] else { return nil }
        return (String(name[name.index(after: colon)...]), namespace)
    }

    /// An identity as the XML decoder reads it, qualified by the prefix the XML documents declare.
    private static func identity(_ text: String) -> String {
        guard let colon = text.firstIndex(of: ":") else { return ETSINamespace.typesPrefix + ":" + text }
        return text[..<colon] == ETSINamespace.typesModule ? ETSINamespace.typesPrefix + text[colon...] : text
    }

    static func moduleName(_ namespace: String) -> String { ETSINamespace.moduleName(of: namespace) }

    private static func issue(_ path: String, _ message: String) -> ETSIDecodingError {
        ETSIDecodingError(issues: [.init(path: path, line: 0, message: message)])
    }

    /// The XML document the JSON one stands for, with the namespaces the XML codec writes.
    static func xmlDocument(_ root: XMLElement) -> [UInt8] {
        let namespaces =
            ETSIXML.namespaces + [
                .init(prefix: "qa", uri: ETSINamespace.agent), .init(prefix: "rc", uri: RESTCONFErrors.namespace),
                .init(prefix: "rcmon", uri: ETSINamespace.restconfMonitoring), .init(prefix: "ncn", uri: ETSINamespace.netconfNotification),
            ]
        return Array(XMLDocumentWriter.serialize(root, namespaces: namespaces).utf8)
    }

    /// Decodes JSON with a decoder of XML: JSON lines are not the XML's, so issues keep only their path.
    static func decode<T>(
        _ bytes: some Collection<UInt8>, limits: XMLParseLimits, name: String, namespace: String,
        _ decodeXML: ([UInt8]) throws(ETSIDecodingError) -> T
    ) throws(ETSIDecodingError) -> T {
        let document = xmlDocument(try root(bytes, limits: limits, name: name, namespace: namespace))
        do {
            return try decodeXML(document)
        } catch {
            throw ETSIDecodingError(issues: error.issues.map { .init(path: $0.path, line: 0, message: $0.message) })
        }
    }
}
