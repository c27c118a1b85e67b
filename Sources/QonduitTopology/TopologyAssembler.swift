public import QonduitCore

/// A checked, complete topology and what the assembler noted while completing it.
public struct AssembledTopology: Sendable {
    public var format: TopologyFormat
    public var topology: Topology
    public var warnings: [TopologyIssue]
    /// The nodes and links whose status the file does not state (given `up` here): an import keeps
    /// the status an operator or agent set on those already in the inventory.
    public var unstatedStatus = UnstatedStatus()
}

/// Turns a `TopologyDraft` into a valid `Topology`: checks ids, duplicates and references, and fills
/// in what the file leaves out (link length from coordinates, key rate from the fiber-link model).
/// It reports every problem it finds, not only the first.
public struct TopologyAssembler: Sendable {
    /// `http://` or `https://` and a host, at most 2048 characters: what the model's `device-url` allows.
    static func isDeviceURL(_ text: String) -> Bool {
        guard text.utf8.count <= 2_048, !text.contains(where: \.isWhitespace) else { return false }
        for scheme in ["http://", "https://"] where text.lowercased().hasPrefix(scheme) {
            return !text.dropFirst(scheme.count).prefix { $0 != "/" }.isEmpty
        }
        return false
    }

    public var fiberModel: FiberLinkModel
    /// Nodes outside the file that its links may reference (the inventory's, when merging),
    /// with their coordinates for length estimates.
    public var knownNodes: [NodeID: GeoCoordinate?]

    public init(fiberModel: FiberLinkModel = .standard, knownNodes: [NodeID: GeoCoordinate?] = [:]) {
        self.fiberModel = fiberModel
        self.knownNodes = knownNodes
    }

    public func assemble(_ draft: TopologyDraft, file: String) throws(TopologyFileError) -> AssembledTopology {
        var issues = draft.issues
        var warnings = draft.warnings
        var nodes: [QKDNode] = []
        var nodeLines: [NodeID: Int] = [:]
        var nodeIdentities: Set<QKDUUID> = []
        var linkIdentities: Set<QKDUUID> = []
        var locations = knownNodes
        var unstated = UnstatedStatus()

        for raw in draft.nodes {
            let subject = "node '\(raw.id)'"
            let report = { (message: String) in issues.append(TopologyIssue(line: raw.line, subject: subject, message: message)) }
            let id: NodeID
            do { id = try NodeID(raw.id) } catch {
                report("id \(error.problem)")
                continue
            }
            if let first = nodeLines[id] {
                report("duplicate node id (first defined on line \(first))")
                continue
            }
            nodeLines[id] = raw.line
            var location: GeoCoordinate?
            switch (raw.latitude, raw.longitude) {
            case (let latitude?, let longitude?): location = GeoCoordinate(latitude: latitude, longitude: longitude)
            case (nil, nil): location = nil
            default: report("latitude and longitude must be given together")
            }
            var status = NodeStatus.up
            if raw.status == nil { unstated.nodes.insert(id) }
            if let text = raw.status {
                if let parsed = NodeStatus(rawValue: text) {
                    status = parsed
                } else {
                    report("status '\(text)' is not one of \(NodeStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            let qkdnID = identity(raw.qkdnID, seen: &nodeIdentities, report: report)
            if let url = raw.deviceURL, !Self.isDeviceURL(url) {
                report("device-url '\(url.prefix(100))' is not an http or https URL")
            }
            let node = QKDNode(
                id: id, name: raw.name, trusted: raw.trusted ?? true, location: location, site: raw.site, status: status,
                qkdnID: qkdnID
            )
            let problems = node.validationIssues()
            for problem in problems { report("\(problem.field) \(problem.message)") }
            if problems.isEmpty {
                nodes.append(node.quantized())
                locations[id] = location
            }
        }

        var links: [QKDLink] = []
        var linkLines: [LinkID: Int] = [:]
        var generatedIDCounts: [String: Int] = [:]
        for raw in draft.links {
            let idText = raw.id ?? generatedID(raw, counts: &generatedIDCounts)
            let subject = "link '\(idText)'"
            let report = { (message: String) in issues.append(TopologyIssue(line: raw.line, subject: subject, message: message)) }
            var ok = true
            var id: LinkID?
            do { id = try LinkID(idText) } catch {
                report("id \(error.problem)")
                ok = false
            }
            if let id, let first = linkLines[id] {
                report("duplicate link id (first defined on line \(first))")
                ok = false
            }
            if let id { linkLines[id] = raw.line }
            let ends = [("node_a", raw.nodeA), ("node_b", raw.nodeB)].map { field, text -> NodeID? in
                guard let end = try? NodeID(text) else {
                    report("\(field) '\(text)' is not a valid node id")
                    return nil
                }
                guard nodeLines[end] != nil || knownNodes[end] != nil else {
                    report("\(field) refers to unknown node '\(text)'")
                    return nil
                }
                return end
            }
            var status = LinkStatus.up
            var statusStated = raw.status != nil
            if let text = raw.status {
                if let parsed = LinkStatus(rawValue: text) {
                    status = parsed
                } else {
                    report("status '\(text)' is not one of \(LinkStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                    ok = false
                }
            }
            guard ok, let id, let nodeA = ends[0], let nodeB = ends[1] else {
                // Not imported, but its own values are checked all the same: every problem is told at once.
                for problem in Self.valueProblems(of: raw, status: status) { report(problem) }
                _ = identity(raw.qkdlID, seen: &linkIdentities, report: report)
                continue
            }
            let lengthKm: Double
            if let given = raw.lengthKm {
                lengthKm = given
            } else if case let a?? = locations[nodeA], case let b?? = locations[nodeB] {
                lengthKm = a.distanceKm(to: b)
            } else {
                let missing = [nodeA, nodeB].filter { locations[$0].flatMap { $0 } == nil }.map { "'\($0)'" }
                let which = missing.count == 1 ? "its node \(missing[0]) has" : "its nodes \(missing.joined(separator: " and ")) have"
                report("has no length, and \(which) no coordinates to estimate it from: give the link a length or the nodes coordinates")
                continue
            }
            let keyRateBps: Double
            if let given = raw.keyRateBps {
                keyRateBps = given
            } else if let estimate = fiberModel.keyRateBps(lengthKm: lengthKm) {
                keyRateBps = estimate
            } else {
                keyRateBps = 0
                status = .down
                statusStated = true
                warnings.append(
                    TopologyIssue(
                        line: raw.line, subject: subject,
                        message: "\(DecimalText.format(lengthKm, fractionDigits: 1)) km is beyond the fiber-link model's reach of "
                            + "\(DecimalText.format(fiberModel.reachKm, fractionDigits: 1)) km; imported with key rate 0 and status down"
                    ))
            }
            let link = QKDLink(
                id: id, nodeA: nodeA, nodeB: nodeB, lengthKm: lengthKm, keyRateBps: keyRateBps,
                status: status, qber: raw.qber, cost: raw.cost ?? 1, qkdlID: identity(raw.qkdlID, seen: &linkIdentities, report: report)
            )
            let problems = link.validationIssues()
            for problem in problems { report("\(problem.field) \(problem.message)") }
            if problems.isEmpty {
                links.append(link.quantized())
                if !statusStated { unstated.links.insert(id) }
            }
        }

        if !issues.isEmpty { throw TopologyFileError(file: file, issues: issues) }
        return AssembledTopology(
            format: draft.format, topology: Topology(nodes: nodes, links: links), warnings: warnings, unstatedStatus: unstated)
    }

    /// What is wrong with a link's stated values (length, rate, QBER, cost), whatever its id and ends.
    private static func valueProblems(of raw: DraftLink, status: LinkStatus) -> [String] {
        guard let placeholderA = try? NodeID("a"), let placeholderB = try? NodeID("b"), let placeholder = try? LinkID("l") else { return [] }
        let values = QKDLink(
            id: placeholder, nodeA: placeholderA, nodeB: placeholderB, lengthKm: raw.lengthKm ?? 0, keyRateBps: raw.keyRateBps ?? 0,
            status: status, qber: raw.qber, cost: raw.cost ?? 1)
        return values.validationIssues().filter { !["id", "node_a", "node_b"].contains($0.field) }.map { "\($0.field) \($0.message)" }
    }

    /// A GS QKD 015 identity as written, checked for form and for a second use in the file.
    private func identity(_ text: String?, seen: inout Set<QKDUUID>, report: (String) -> Void) -> QKDUUID? {
        guard let text else { return nil }
        guard let uuid = QKDUUID(text) else {
            report("GS QKD 015 id '\(text)' is not a UUID (8-4-4-4-12 hexadecimal digits)")
            return nil
        }
        guard seen.insert(uuid).inserted else {
            report("GS QKD 015 id '\(text)' is used twice in the file")
            return nil
        }
        return uuid
    }

    /// `A--B` for an unnamed link, `A--B.2` for the second between the same ends.
    private func generatedID(_ raw: DraftLink, counts: inout [String: Int]) -> String {
        let base = "\(raw.nodeA)--\(raw.nodeB)"
        let count = counts[base, default: 0] + 1
        counts[base] = count
        return count == 1 ? base : "\(base).\(count)"
    }
}
