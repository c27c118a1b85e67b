import HeapModule

/// Loopless paths that pass through the query's waypoints in order, best first.
///
/// Each leg (source → first waypoint → … → destination) enumerates its own loopless paths in
/// order (Yen); a best-first walk over the lattice of leg choices visits combinations in order of
/// total value, so the first combination that is loopless as a whole (and within the hop limit)
/// is the optimum. The problem is NP-hard in general, so the walk has a budget; running out is
/// an error, never an answer that might not be the best.
struct WaypointRouteSearch {
    static let combinationBudget = 20_000
    static let alternativesPerLeg = 512

    let graph: RelayGraph
    let rules: SearchRules
    private var legs: [LooplessPathEnumerator]
    private var alternatives: [[PathCandidate]]
    private var frontier = Heap<Combination>()
    private var examined = 0
    private(set) var rejectedForHops = false

    struct Combination: Comparable {
        var total: Double
        var hops: Int
        var choice: [Int]
        /// Only legs from here on are advanced, so each combination is generated once.
        var firstAdvanceable: Int

        static func < (a: Combination, b: Combination) -> Bool {
            if a.total != b.total { return a.total < b.total }
            if a.hops != b.hops { return a.hops < b.hops }
            return a.choice.lexicographicallyPrecedes(b.choice)
        }
        static func == (a: Combination, b: Combination) -> Bool { a.choice == b.choice }
    }

    /// Starts the search, or names the leg that has no path at all.
    init(graph: RelayGraph, query: PathQuery, rules: SearchRules, workspace: SearchWorkspace) throws(LegFailure) {
        self.graph = graph
        self.rules = rules
        let stops = [query.source] + query.waypoints + [query.destination]
        var legRules = rules
        // Every other leg needs at least one hop.
        if let maxHops = rules.maxHops { legRules.maxHops = maxHops - (stops.count - 2) }
        legs = []
        alternatives = []
        for leg in 0..<(stops.count - 1) {
            let others = stops.enumerated().filter { $0.offset != leg && $0.offset != leg + 1 }.map(\.element)
            var legQuery = PathQuery(
                source: stops[leg], destination: stops[leg + 1], excludedNodes: query.excludedNodes + others,
                excludedLinks: query.excludedLinks
            )
            legQuery.unavailableNodes = query.unavailableNodes
            legQuery.unusableLinks = query.unusableLinks
            var enumerator = LooplessPathEnumerator(graph: graph, query: legQuery, rules: legRules, workspace: workspace)
            guard let first = enumerator.next() else { throw LegFailure(query: legQuery, rules: legRules) }
            legs.append(enumerator)
            alternatives.append([first])
        }
        let start = Array(repeating: 0, count: legs.count)
        frontier.insert(
            Combination(
                total: alternatives.reduce(0) { $0 + $1[0].value }, hops: alternatives.reduce(0) { $0 + $1[0].links.count },
                choice: start, firstAdvanceable: 0
            ))
    }

    /// The leg with no path, to diagnose on its own.
    struct LegFailure: Error {
        var query: PathQuery
        var rules: SearchRules
    }

    /// The next best route through the waypoints, nil when there is none; throws when the budget runs out.
    mutating func next() throws(PathComputationError) -> PathCandidate? {
        while let combination = frontier.popMin() {
            examined += 1
            if examined > Self.combinationBudget {
                throw .searchLimit(
                    "no loopless route through include_nodes was settled within \(Self.combinationBudget) combinations of legs; "
                        + "add exclusions or fewer waypoints"
                )
            }
            for leg in combination.firstAdvanceable..<legs.count {
                var successor = combination
                successor.choice[leg] += 1
                successor.firstAdvanceable = leg
                guard let alternative = try alternative(leg: leg, index: successor.choice[leg]) else { continue }
                let current = alternatives[leg][combination.choice[leg]]
                successor.total += alternative.value - current.value
                successor.hops += alternative.links.count - current.links.count
                frontier.insert(successor)
            }
            let chosen = combination.choice.enumerated().map { alternatives[$0.offset][$0.element] }
            if let maxHops = rules.maxHops, combination.hops > maxHops {
                rejectedForHops = true
                continue
            }
            var nodes: [Int32] = [chosen[0].nodes[0]]
            var links: [Int32] = []
            for leg in chosen {
                nodes += leg.nodes.dropFirst()
                links += leg.links
            }
            guard Set(nodes).count == nodes.count else { continue }
            // Summing legs in another order could differ in the last bit; recompute as the other searches do.
            let value = links.reduce(0) { $0 + graph.weight(Int($1), rules.metric) }
            return PathCandidate(nodes: nodes, links: links, value: value)
        }
        return nil
    }

    private mutating func alternative(leg: Int, index: Int) throws(PathComputationError) -> PathCandidate? {
        while alternatives[leg].count <= index {
            guard alternatives[leg].count < Self.alternativesPerLeg else {
                throw .searchLimit(
                    "no loopless route through include_nodes was settled within \(Self.alternativesPerLeg) alternatives per leg; "
                        + "add exclusions or fewer waypoints"
                )
            }
            guard let next = legs[leg].next() else { return nil }
            alternatives[leg].append(next)
        }
        return alternatives[leg][index]
    }
}
