/// Loopless paths from a query's source to its destination, one at a time in order of value
/// (Yen's algorithm over the constrained search): the k-th path costs k-1 rounds of spur searches.
struct LooplessPathEnumerator {
    let graph: RelayGraph
    let query: PathQuery
    let rules: SearchRules
    let workspace: SearchWorkspace
    private(set) var accepted: [PathCandidate] = []
    private var pending: [PathCandidate] = []
    private var seen: Set<[Int32]> = []
    private var exhausted = false

    init(graph: RelayGraph, query: PathQuery, rules: SearchRules, workspace: SearchWorkspace) {
        self.graph = graph
        self.query = query
        self.rules = rules
        self.workspace = workspace
    }

    mutating func next() -> PathCandidate? {
        guard !exhausted else { return nil }
        guard let previous = accepted.last else {
            query.begin(workspace)
            guard let first = graph.shortestPath(from: query.source, to: query.destination, rules: rules, workspace: workspace) else {
                exhausted = true
                return nil
            }
            let candidate = PathCandidate(nodes: first.nodes, links: first.links, value: first.value)
            seen.insert(candidate.links)
            accepted.append(candidate)
            return candidate
        }
        if accepted.count == 1 {
            // Spur searches start now: one backward search guides them all (a single path never pays for it).
            query.begin(workspace)
            graph.prepareGuide(towards: query.destination, from: query.source, rules: rules, workspace: workspace)
        }
        for spurIndex in 0..<(previous.nodes.count - 1) {
            let rootNodes = Array(previous.nodes[0...spurIndex])
            let rootLinks = Array(previous.links[0..<spurIndex])
            var spurRules = rules
            if let maxHops = rules.maxHops {
                guard maxHops - rootLinks.count > 0 else { continue }
                spurRules.maxHops = maxHops - rootLinks.count
            }
            // The spur node relays the key onward, so it must be trusted unless it is the source.
            let spurNode = Int(rootNodes[spurIndex])
            guard SearchView(graph, rules, workspace).relays(from: spurNode, origin: query.source) else { continue }
            query.begin(workspace)
            // Roots compare as link sequences: parallel links make equal node sequences different paths.
            for path in accepted where path.links.count > spurIndex && Array(path.links[0..<spurIndex]) == rootLinks {
                workspace.blockLink(Int(path.links[spurIndex]))
            }
            for node in rootNodes.dropLast() { workspace.blockNode(Int(node)) }
            // A spur search treats the spur node as its own source; trust is already checked above.
            guard
                let spur = graph.guidedShortestPath(from: spurNode, to: query.destination, rules: spurRules, workspace: workspace)
                    .flatMap({ found in
                        // A* ignores the hop limit; when its optimum breaks it, the exact hop-bounded search decides.
                        guard let maxHops = spurRules.maxHops, found.links.count > maxHops else { return found }
                        return graph.hopBounded(from: spurNode, to: query.destination, rules: spurRules, maxHops: maxHops, workspace: workspace)
                    })
            else { continue }
            let links = rootLinks + spur.links
            guard seen.insert(links).inserted else { continue }
            let value = links.reduce(0) { $0 + graph.weight(Int($1), rules.metric) }
            pending.append(PathCandidate(nodes: rootNodes.dropLast() + spur.nodes, links: links, value: value))
        }
        guard let best = pending.indices.min(by: { PathCandidate.precedes(pending[$0], pending[$1]) }) else {
            exhausted = true
            return nil
        }
        let candidate = pending.remove(at: best)
        accepted.append(candidate)
        return candidate
    }
}
