import QonduitXML

/// Reads SNDlib's native XML network format (`<network><networkStructure><nodes>…<links>…`).
///
/// Node coordinates are read when `coordinatesType` is `geographical` (x is longitude, y latitude).
/// Link modules and demands describe a classical network's capacity planning, not QKD, and are
/// not imported; a warning says so.
enum SNDlibReader {
    static func read(_ root: XMLElement) -> TopologyDraft {
        var draft = TopologyDraft(format: .sndlib)
        var fields = FieldReader()
        let ns = root.namespaceURI
        guard let structure = root.firstChild(named: "networkStructure", namespace: ns) else {
            fields.report(root, subject: "<network>", "has no <networkStructure>")
            draft.issues = fields.issues
            return draft
        }
        if let nodes = structure.firstChild(named: "nodes", namespace: ns) {
            let geographical = (nodes.attribute("coordinatesType") ?? "geographical") == "geographical"
            if !geographical {
                draft.warnings.append(
                    TopologyIssue(
                        line: nodes.line, subject: "<nodes>",
                        message: "coordinatesType is '\(nodes.attribute("coordinatesType") ?? "")', not geographical; coordinates are not imported"
                    ))
            }
            for element in nodes.children(named: "node", namespace: ns) {
                guard let id = element.attribute("id") else {
                    fields.report(element, subject: "<node>", "has no id attribute")
                    continue
                }
                var node = DraftNode(id: id, line: element.line)
                if geographical, let coordinates = element.firstChild(named: "coordinates", namespace: ns) {
                    let subject = "node '\(id)'"
                    if let x = coordinates.firstChild(named: "x", namespace: ns) {
                        node.longitude = fields.number(x, subject: subject, field: "coordinates/x (longitude)")
                    }
                    if let y = coordinates.firstChild(named: "y", namespace: ns) {
                        node.latitude = fields.number(y, subject: subject, field: "coordinates/y (latitude)")
                    }
                }
                draft.nodes.append(node)
            }
        } else {
            fields.report(structure, subject: "<networkStructure>", "has no <nodes>")
        }
        var hasModules = false
        for element in structure.firstChild(named: "links", namespace: ns)?.children(named: "link", namespace: ns) ?? [] {
            let id = element.attribute("id")
            let subject = id.map { "link '\($0)'" } ?? "<link>"
            guard let source = element.firstChild(named: "source", namespace: ns)?.trimmedText, !source.isEmpty,
                let target = element.firstChild(named: "target", namespace: ns)?.trimmedText, !target.isEmpty
            else {
                fields.report(element, subject: subject, "needs both <source> and <target>")
                continue
            }
            hasModules = hasModules || element.children.contains { $0.localName.hasSuffix("Modules") || $0.localName == "preInstalledModule" }
            draft.links.append(DraftLink(id: id, line: element.line, nodeA: source, nodeB: target))
        }
        if hasModules || root.firstChild(named: "demands", namespace: ns) != nil {
            draft.warnings.append(
                TopologyIssue(
                    line: nil, subject: "SNDlib",
                    message: "link capacity modules and demands are not imported; key rates come from the fiber-link model"
                ))
        }
        draft.issues = fields.issues
        return draft
    }
}
