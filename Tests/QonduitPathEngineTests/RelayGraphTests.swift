import QonduitCore
import QonduitPathEngine
import QonduitTestSupport
import Testing

@Suite struct RelayGraphTests {
    func shuffledNetwork(seed: UInt64, nodes: Int = 3_000) -> Topology {
        var random = SeededRandom(seed: seed)
        let nodeList = (0..<nodes).map { QKDNode(id: try! NodeID("site-\($0 * 7919 % 100_003)")) }
        var links: [QKDLink] = []
        for index in 1..<nodes {
            let other = Int.random(in: 0..<index, using: &random)
            links.append(
                QKDLink(
                    id: try! LinkID("L\(index)"), nodeA: nodeList[index].id, nodeB: nodeList[other].id,
                    lengthKm: Double(index % 50), keyRateBps: 1000))
        }
        return Topology(nodes: nodeList.shuffled(using: &random), links: links.shuffled(using: &random))
    }

    @Test func looksUpEveryNodeAndLinkAndNothingElse() throws {
        let topology = shuffledNetwork(seed: 5)
        let graph = RelayGraph(topology: topology)
        #expect(graph.nodeCount == topology.nodes.count && graph.linkCount == topology.links.count)
        for node in topology.nodes { #expect(graph.index(of: node.id).map { graph.nodeIDs[$0] } == node.id) }
        for link in topology.links { #expect(graph.index(of: link.id).map { graph.linkIDs[$0] } == link.id) }
        let (missingNode, missingLink, pastLastLink) = (try NodeID("site-1"), try LinkID("L0"), try LinkID("L99999"))
        #expect(graph.index(of: missingNode) == nil)
        #expect(graph.index(of: missingLink) == nil && graph.index(of: pastLastLink) == nil)
    }

    @Test func numberingDoesNotDependOnInputOrder() throws {
        let topology = shuffledNetwork(seed: 9)
        var random = SeededRandom(seed: 1)
        let reordered = Topology(nodes: topology.nodes.shuffled(using: &random), links: topology.links.shuffled(using: &random))
        let (a, b) = (RelayGraph(topology: topology), RelayGraph(topology: reordered))
        #expect(a.nodeIDs == b.nodeIDs && a.linkIDs == b.linkIDs)
        let source = topology.nodes[0].id
        let destination = topology.nodes[1].id
        let pathA = try PathEngine(graph: a).kShortestPaths(from: source, to: destination, k: 3, metric: .hops)
        let pathB = try PathEngine(graph: b).kShortestPaths(from: source, to: destination, k: 3, metric: .hops)
        #expect(pathA == pathB)
    }

    @Test func linksToUnknownNodesAreLeftOut() throws {
        let nodes = [QKDNode(id: try NodeID("a")), QKDNode(id: try NodeID("b"))]
        let links = [
            QKDLink(id: try LinkID("ab"), nodeA: nodes[0].id, nodeB: nodes[1].id, lengthKm: 1, keyRateBps: 1),
            QKDLink(id: try LinkID("ax"), nodeA: nodes[0].id, nodeB: try NodeID("x"), lengthKm: 1, keyRateBps: 1),
        ]
        let graph = RelayGraph(topology: Topology(nodes: nodes, links: links))
        let dangling = try LinkID("ax")
        #expect(graph.linkIDs.map(\.rawValue) == ["ab"] && graph.index(of: dangling) == nil)
    }
}
