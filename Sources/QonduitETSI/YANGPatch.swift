public import QonduitCore
public import QonduitXML

/// An RFC 8072 YANG Patch (`application/yang-patch+xml`) that takes entries out of a node's
/// `qkd_links` and `qkd_applications` lists: how the controller removes many virtual links and
/// applications from a node in one request, all or none, instead of one `DELETE` each.
public struct YANGPatch: Sendable, Equatable {
    public static let namespace = "urn:ietf:params:xml:ns:yang:ietf-yang-patch"
    public static let mediaType = "application/yang-patch+xml"

    /// The edits spoken here: `delete` fails on an entry that is not there, `remove` does not.
    public enum Operation: String, Sendable, CaseIterable {
        case delete, remove
    }

    /// A list entry, written as a target path relative to `qkd_node` (the resource patched).
    public enum Target: Sendable, Hashable {
        case link(QKDUUID)
        case application(QKDUUID)

        public var path: String {
            switch self {
            case .link(let id): "/qkd_links/qkd_link=\(id.text)"
            case .application(let id): "/qkd_applications/qkd_app=\(id.text)"
            }
        }

        init?(path: String) {
            for (prefix, make) in [("/qkd_links/qkd_link=", Target.link), ("/qkd_applications/qkd_app=", Target.application)]
            where path.hasPrefix(prefix) {
                guard let id = QKDUUID(String(path.dropFirst(prefix.count))) else { return nil }
                self = make(id)
                return
            }
            return nil
        }
    }

    public struct Edit: Sendable, Equatable {
        public var id: String
        public var operation: Operation
        public var target: Target

        public init(id: String, operation: Operation, target: Target) {
            self.id = id
            self.operation = operation
            self.target = target
        }
    }

    public var patchID: String
    public var edits: [Edit]

    public init(patchID: String, edits: [Edit]) {
        self.patchID = patchID
        self.edits = edits
    }

    /// Removes `targets`, each in an edit numbered from 1.
    public init(patchID: String, removing targets: [Target]) {
        self.init(patchID: patchID, edits: targets.enumerated().map { Edit(id: "\($0 + 1)", operation: .remove, target: $1) })
    }

    public func encoded() -> String {
        let ns = Self.namespace
        let edits = edits.map { edit in
            XMLElement(
                "edit", namespace: ns,
                children: [
                    .leaf("edit-id", namespace: ns, edit.id), .leaf("operation", namespace: ns, edit.operation.rawValue),
                    .leaf("target", namespace: ns, edit.target.path),
                ])
        }
        return XMLDocumentWriter.serialize(
            XMLElement("yang-patch", namespace: ns, children: [.leaf("patch-id", namespace: ns, patchID)] + edits),
            namespaces: [.init(prefix: nil, uri: ns)]
        )
    }

    /// Why a patch was refused: a `tag` of RFC 8040 §7, and the edit at fault (nil: the whole patch).
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var tag: String
        public var editID: String?
        public var message: String

        public init(tag: String, editID: String? = nil, message: String) {
            self.tag = tag
            self.editID = editID
            self.message = message
        }

        public var description: String { editID.map { "edit '\($0)': \(message)" } ?? message }
    }

    /// Reads a patch strictly: every element known, every edit with an id (unique), a supported
    /// operation and a target entry, and no `value` (removals carry none).
    public static func decode(_ bytes: some Collection<UInt8>, limits: XMLParseLimits = .default) throws(Refusal) -> YANGPatch {
        let root: XMLElement
        do {
            root = try XMLDocumentParser.parse(bytes, limits: limits)
        } catch {
            throw Refusal(tag: "malformed-message", message: "the YANG Patch is not well-formed XML: \(error)")
        }
        guard root.localName == "yang-patch", root.namespaceURI == namespace else {
            throw Refusal(tag: "malformed-message", message: "the root element must be yang-patch in \(namespace), not \(root.localName)")
        }
        var patchID: String?
        var edits: [Edit] = []
        var seen: Set<String> = []
        for child in root.children {
            guard child.namespaceURI == namespace else {
                throw Refusal(tag: "unknown-element", message: "line \(child.line): \(child.localName) is not in \(namespace)")
            }
            switch child.localName {
            case "patch-id": patchID = child.trimmedText
            case "comment": continue
            case "edit":
                let edit = try decodeEdit(child)
                guard seen.insert(edit.id).inserted else { throw Refusal(tag: "invalid-value", editID: edit.id, message: "the edit-id is repeated") }
                edits.append(edit)
            default:
                throw Refusal(tag: "unknown-element", message: "line \(child.line): yang-patch has no element \(child.localName)")
            }
        }
        guard let patchID, !patchID.isEmpty else { throw Refusal(tag: "missing-element", message: "the YANG Patch has no patch-id") }
        return YANGPatch(patchID: patchID, edits: edits)
    }

    private static func decodeEdit(_ element: XMLElement) throws(Refusal) -> Edit {
        var fields: [String: String] = [:]
        for child in element.children {
            guard child.namespaceURI == namespace, ["edit-id", "operation", "target", "point", "where", "value"].contains(child.localName) else {
                throw Refusal(tag: "unknown-element", message: "line \(child.line): edit has no element \(child.localName)")
            }
            fields[child.localName] = child.trimmedText
        }
        guard let id = fields["edit-id"], !id.isEmpty else {
            throw Refusal(tag: "missing-element", message: "line \(element.line): an edit has no edit-id")
        }
        guard let word = fields["operation"] else { throw Refusal(tag: "missing-element", editID: id, message: "no operation") }
        guard let operation = Operation(rawValue: word) else {
            throw Refusal(tag: "operation-not-supported", editID: id, message: "operation '\(word)' is not supported; only delete and remove are")
        }
        guard fields["value"] == nil, fields["point"] == nil, fields["where"] == nil else {
            throw Refusal(tag: "invalid-value", editID: id, message: "a \(word) edit takes no value, point or where")
        }
        guard let path = fields["target"] else { throw Refusal(tag: "missing-element", editID: id, message: "no target") }
        guard let target = Target(path: path) else {
            throw Refusal(
                tag: "invalid-value", editID: id, message: "target '\(path)' is not /qkd_links/qkd_link=<uuid> or /qkd_applications/qkd_app=<uuid>")
        }
        return Edit(id: id, operation: operation, target: target)
    }
}

/// RFC 8072's answer to a YANG Patch: `ok`, or the errors of the patch and of its edits.
public struct YANGPatchStatus: Sendable, Equatable {
    public var patchID: String
    /// The refusals; none: the patch was applied.
    public var errors: [YANGPatch.Refusal]

    public init(patchID: String, errors: [YANGPatch.Refusal] = []) {
        self.patchID = patchID
        self.errors = errors
    }

    public func encoded() -> String {
        let ns = YANGPatch.namespace
        func errors(_ refusals: [YANGPatch.Refusal]) -> XMLElement {
            XMLElement(
                "errors", namespace: ns,
                children: refusals.map { refusal in
                    XMLElement(
                        "error", namespace: ns,
                        children: [
                            .leaf("error-type", namespace: ns, "application"), .leaf("error-tag", namespace: ns, refusal.tag),
                            .leaf("error-message", namespace: ns, refusal.message),
                        ])
                })
        }
        var children: [XMLElement] = [.leaf("patch-id", namespace: ns, patchID)]
        let global = self.errors.filter { $0.editID == nil }
        if self.errors.isEmpty { children.append(XMLElement("ok", namespace: ns)) } else if !global.isEmpty { children.append(errors(global)) }
        let byEdit = self.errors.filter { $0.editID != nil }
        if !byEdit.isEmpty {
            children.append(
                XMLElement(
                    "edit-status", namespace: ns,
                    children: byEdit.map { refusal in
                        XMLElement("edit", namespace: ns, children: [.leaf("edit-id", namespace: ns, refusal.editID!), errors([refusal])])
                    }))
        }
        return XMLDocumentWriter.serialize(
            XMLElement("yang-patch-status", namespace: ns, children: children), namespaces: [.init(prefix: nil, uri: ns)])
    }

    /// Reads a status back (the client's side); nil when `bytes` is not one.
    public static func decode(_ bytes: some Collection<UInt8>) -> YANGPatchStatus? {
        let ns = YANGPatch.namespace
        guard let root = try? XMLDocumentParser.parse(bytes), root.localName == "yang-patch-status", root.namespaceURI == ns else { return nil }
        func refusals(in element: XMLElement, editID: String?) -> [YANGPatch.Refusal] {
            element.firstChild(named: "errors", namespace: ns)?.children(named: "error", namespace: ns).map { error in
                YANGPatch.Refusal(
                    tag: error.firstChild(named: "error-tag", namespace: ns)?.trimmedText ?? "",
                    editID: editID, message: error.firstChild(named: "error-message", namespace: ns)?.trimmedText ?? ""
                )
            } ?? []
        }
        let edits = root.firstChild(named: "edit-status", namespace: ns)?.children(named: "edit", namespace: ns) ?? []
        return YANGPatchStatus(
            patchID: root.firstChild(named: "patch-id", namespace: ns)?.trimmedText ?? "",
            errors: refusals(in: root, editID: nil)
                + edits.flatMap { refusals(in: $0, editID: $0.firstChild(named: "edit-id", namespace: ns)?.trimmedText) }
        )
    }
}
