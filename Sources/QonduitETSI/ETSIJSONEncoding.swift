import QonduitCore
import QonduitXML

extension ETSINode {
    /// The tree in RFC 7951 JSON (`application/yang-data+json`): the top-level member qualified by its
    /// module (`etsi-qkd-sdn-node:qkd_node`), identities by theirs (`etsi-qkd-node-types:VIRT`), lists
    /// and leaf-lists as arrays, decimal64 values as strings. The same tree `encoded(_:)` writes in XML.
    public func encodedJSON(_ content: ETSIContent = .all) -> String {
        ETSIJSONWriter.document(element(content))
    }
}

/// Writes the model's XML tree as RFC 7951 JSON. The tree says what is there; this says how each
/// node of `etsi-qkd-sdn-node` is typed in JSON, which XML does not tell.
struct ETSIJSONWriter {
    var bytes: [UInt8] = []

    /// A document of one top-level member, `element`, qualified by its module; `entry` writes it as
    /// RESTCONF sends one list entry, an array of one.
    static func document(_ element: XMLElement, entry: Bool = false) -> String {
        var writer = ETSIJSONWriter()
        writer.raw("{")
        writer.string(ETSINamespace.moduleName(of: element.namespaceURI ?? ETSINamespace.node) + ":" + element.localName)
        writer.raw(entry ? ":[" : ":")
        writer.object(element)
        writer.raw(entry ? "]}" : "}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Entries of `list` statements and values of `leaf-list` statements: JSON arrays.
    static let repeated: Set<String> = [
        "statistics", "phys_perf",
        "client_app_id", "backing_qkdl_id", "qkdl_applications", "virt_next_hop",
        "error",  // ietf-restconf's errors
        "capability", "stream", "access",  // ietf-restconf-monitoring
    ]
    /// Lists whose name is a container's elsewhere (`qkd_link` in a notification): entries only in their list's container.
    static let listsIn: [String: String] = ["qkd_app": "qkd_applications", "qkd_interface": "qkd_interfaces", "qkd_link": "qkd_links"]

    static func isRepeated(_ name: String, in parent: String) -> Bool {
        if let container = listsIn[name] { return parent == container }
        return repeated.contains(name)
    }

    /// Leaves of type uint32 (or narrower): JSON numbers.
    static let numbers: Set<String> = [
        "app_priority", "consumed_bits", "max_bandwidth", "min_bandwidth", "jitter", "ttl", "qkdi_id", "port",
        "expected_consumption", "skr", "eskr", "virt_bandwidth",
    ]
    static let booleans: Set<String> = [
        "link_stats_support", "application_stats_support", "key_relay_mode_enable", "clients_shared_path_enable",
        "clients_shared_keys_required", "qkdl_enable",
    ]

    /// The members of `element`, in the tree's order, the entries of a list or leaf-list gathered
    /// into one array where the first of them stands.
    mutating func object(_ element: XMLElement) {
        var members: [(name: String, values: [XMLElement])] = []
        var arrays: [String: Int] = [:]
        for child in element.children {
            let repeated = Self.isRepeated(child.localName, in: element.localName)
            if repeated, let index = arrays[child.localName] {
                members[index].values.append(child)
            } else {
                if repeated { arrays[child.localName] = members.count }
                members.append((child.localName, [child]))
            }
        }
        raw("{")
        for (position, member) in members.enumerated() {
            if position > 0 { raw(",") }
            // RFC 7951 §4: a member of another module than its parent's is qualified by its module.
            let namespace = member.values[0].namespaceURI
            string(namespace != nil && namespace != element.namespaceURI ? ETSINamespace.moduleName(of: namespace!) + ":" + member.name : member.name)
            raw(":")
            guard Self.isRepeated(member.name, in: element.localName) else {
                value(member.values[0])
                continue
            }
            raw("[")
            for (index, item) in member.values.enumerated() {
                if index > 0 { raw(",") }
                value(item)
            }
            raw("]")
        }
        raw("}")
    }

    mutating func value(_ element: XMLElement) {
        if !element.children.isEmpty {
            object(element)
        } else if Self.numbers.contains(element.localName) {
            raw(element.text)
        } else if Self.booleans.contains(element.localName) {
            raw(element.text == "true" ? "true" : "false")
        } else if element.text.hasPrefix(ETSINamespace.typesPrefix + ":") {
            // An identity, qualified by its module's name rather than an XML prefix.
            string(ETSINamespace.typesModule + ":" + element.text.dropFirst(ETSINamespace.typesPrefix.count + 1))
        } else {
            string(element.text)
        }
    }

    mutating func string(_ value: String) {
        JSONStringLiteral.append(value, to: &bytes)
    }

    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}
