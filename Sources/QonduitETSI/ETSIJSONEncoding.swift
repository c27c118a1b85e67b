import QonduitXML

extension ETSINode {
    /// The tree in RFC 7951 JSON (`application/yang-data+json`): the top-level member qualified by its
    /// module (`etsi-qkd-sdn-node:qkd_node`), identities by theirs (`etsi-qkd-node-types:VIRT`), lists
    /// and leaf-lists as arrays, decimal64 values as strings. The same tree `encoded(_:)` writes in XML.
    public func encodedJSON(_ content: ETSIContent = .all) -> String {
        var writer = ETSIJSONWriter()
        writer.text += "{"
        writer.string(ETSINamespace.nodeModule + ":qkd_node")
        writer.text += ":"
        writer.object(element(content))
        writer.text += "}"
        return writer.text
    }
}

/// Writes the model's XML tree as RFC 7951 JSON. The tree says what is there; this says how each
/// node of `etsi-qkd-sdn-node` is typed in JSON, which XML does not tell.
struct ETSIJSONWriter {
    var text = ""

    /// Entries of `list` statements and values of `leaf-list` statements: JSON arrays.
    static let repeated: Set<String> = [
        "qkd_app", "qkd_interface", "qkd_link", "statistics", "phys_perf",
        "client_app_id", "backing_qkdl_id", "qkdl_applications", "virt_next_hop",
    ]
    /// Leaves of type uint32 (or narrower): JSON numbers.
    static let numbers: Set<String> = [
        "app_priority", "consumed_bits", "max_bandwidth", "min_bandwidth", "jitter", "ttl", "qkdi_id", "port",
        "expected_consumption", "skr", "eskr", "virt_bandwidth",
    ]
    static let booleans: Set<String> = [
        "link_stats_support", "application_stats_support", "key_relay_mode_enable", "clients_shared_path_enable",
        "clients_shared_keys_required", "qkdl_enable",
    ]

    /// The members of `element`, in the tree's order, repeated children gathered into one array.
    mutating func object(_ element: XMLElement) {
        text += "{"
        var written: Set<String> = []
        var first = true
        for child in element.children where !written.contains(child.localName) {
            if !first { text += "," }
            first = false
            string(child.localName)
            text += ":"
            if Self.repeated.contains(child.localName) {
                written.insert(child.localName)
                text += "["
                for (index, item) in element.children.filter({ $0.localName == child.localName }).enumerated() {
                    if index > 0 { text += "," }
                    value(item)
                }
                text += "]"
            } else {
                value(child)
            }
        }
        text += "}"
    }

    mutating func value(_ element: XMLElement) {
        if !element.children.isEmpty {
            object(element)
        } else if Self.numbers.contains(element.localName) {
            text += element.text
        } else if Self.booleans.contains(element.localName) {
            text += element.text == "true" ? "true" : "false"
        } else if element.text.hasPrefix(ETSINamespace.typesPrefix + ":") {
            // An identity, qualified by its module's name rather than an XML prefix.
            string(ETSINamespace.typesModule + ":" + element.text.dropFirst(ETSINamespace.typesPrefix.count + 1))
        } else {
            string(element.text)
        }
    }

    mutating func string(_ value: some StringProtocol) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
