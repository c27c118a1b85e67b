import QonduitCore

extension PathEngine {
    /// Relaxes one rule at a time to name the one that ruled out every path.
    func diagnose(_ query: PathQuery, rules: SearchRules, workspace: SearchWorkspace) -> PathComputationError {
        let source = graph.nodeIDs[query.source]
        let destination = graph.nodeIDs[query.destination]
        func found(
            _ rules: SearchRules, exclusions: Bool = true, unavailable: Bool = true
        ) -> (nodes: [Int32], links: [Int32], value: Double)? {
            query.begin(workspace, applyExclusions: exclusions, applyUnavailable: unavailable)
            return graph.shortestPath(from: query.source, to: query.destination, rules: rules, workspace: workspace)
        }
        func failure(_ reason: String) -> PathComputationError { .noPath(source: source, destination: destination, reason: reason) }

        var relaxed = rules
        relaxed.minRateBps = 0
        if rules.minRateBps > 0, let path = found(relaxed) {
            let best = path.links.map { graph.spareBps[Int($0)] }.min() ?? 0
            return failure(
                "no trusted relay path connects '\(source)' and '\(destination)' with \(Self.rate(rules.minRateBps)) spare "
                    + "on every link (a path within the other constraints has \(Self.rate(best)) at its bottleneck)")
        }
        relaxed = rules
        relaxed.minRateBps = 0
        relaxed.requireSpareRate = false
        // Under `rate` a link without spare rate weighs infinitely; whether any path exists is the question.
        if relaxed.metric == .rate { relaxed.metric = .hops }
        if found(relaxed) != nil {
            return failure(
                "every path from '\(source)' to '\(destination)' crosses a link with no spare key rate "
                    + "(it produces no key, or all of its key rate is reserved)")
        }
        relaxed = rules
        relaxed.maxHops = nil
        if let maxHops = rules.maxHops, let path = found(relaxed) {
            return failure("every path from '\(source)' to '\(destination)' needs more than \(maxHops) hop(s) (the shortest has \(path.links.count))")
        }
        if !query.excludedNodes.isEmpty || !query.excludedLinks.isEmpty, found(rules, exclusions: false) != nil {
            return failure("the excluded nodes and links cut every path from '\(source)' to '\(destination)'")
        }
        if !query.unavailableNodes.isEmpty || !query.unusableLinks.isEmpty, let path = found(rules, unavailable: false) {
            // Name what lies on the best path the outage cut: the nodes first, as the operator sees them.
            let nodes = path.nodes.map(Int.init).filter(query.unavailableNodes.contains).map { "'\(graph.nodeIDs[$0])'" }
            let links = path.links.map(Int.init).filter(query.unusableLinks.contains).map { "'\(graph.linkIDs[$0])'" }
            var parts: [String] = []
            if !nodes.isEmpty { parts.append("node(s) not up: \(nodes.joined(separator: ", "))") }
            if !links.isEmpty { parts.append("link(s) that cannot carry key (down, or QBER over the threshold): \(links.joined(separator: ", "))") }
            return failure("every path from '\(source)' to '\(destination)' crosses \(parts.joined(separator: "; "))")
        }
        relaxed = rules
        relaxed.requireUp = false
        if found(relaxed) != nil {
            return failure("every path from '\(source)' to '\(destination)' crosses a link that is not up")
        }
        relaxed = rules
        relaxed.requireTrustedRelays = false
        if found(relaxed) != nil {
            return failure("every path from '\(source)' to '\(destination)' would relay the key through an untrusted node")
        }
        return failure("'\(source)' and '\(destination)' are not connected by QKD links")
    }

    static func rate(_ bps: Double) -> String {
        bps == bps.rounded() && abs(bps) < 1e15 ? "\(Int64(bps)) bit/s" : "\(bps) bit/s"
    }
}
