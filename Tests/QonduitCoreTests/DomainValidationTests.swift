import QonduitCore
import Testing

@Suite struct DomainValidationTests {
    let a = try! NodeID("A"), b = try! NodeID("B")

    @Test func nodeNameDefaultsToItsId() {
        #expect(QKDNode(id: a).name == "A")
    }

    @Test func linkMustJoinTwoDistinctNodes() {
        let link = QKDLink(id: try! LinkID("L"), nodeA: a, nodeB: a, lengthKm: 1, keyRateBps: 1)
        #expect(link.validationIssues().map(\.field) == ["node_b"])
    }

    @Test func linkMeasuresMustBeFiniteAndInRange() {
        let link = QKDLink(id: try! LinkID("L"), nodeA: a, nodeB: b, lengthKm: -1, keyRateBps: .infinity, qber: 1.5)
        #expect(link.validationIssues().map(\.field) == ["length_km", "key_rate_bps", "qber"])
        #expect(throws: ValidationFailure.self) { try link.validated() }
    }

    @Test func nodeTextFieldsRefuseEmptyAndControlCharacters() {
        var node = QKDNode(id: a, name: "", site: "bad\u{7}site")
        #expect(node.validationIssues().map(\.field) == ["name", "site"])
        node.name = String(repeating: "n", count: 257)
        #expect(node.validationIssues().contains { $0.field == "name" && $0.message.contains("256") })
    }

    @Test func quantizationKeepsWhatTheNativeFormatCanWrite() {
        let link = QKDLink(id: try! LinkID("L"), nodeA: a, nodeB: b, lengthKm: 12.34567, keyRateBps: 1000.00049, qber: 0.01234567)
            .quantized()
        #expect(link.lengthKm == 12.346)
        #expect(link.keyRateBps == 1000.0)
        #expect(link.qber == 0.012346)
    }
}

@Suite struct ImportPlanTests {
    func node(_ id: String, name: String? = nil) -> QKDNode { QKDNode(id: try! NodeID(id), name: name) }

    @Test func mergeCreatesUpdatesAndKeepsWhatTheFileOmits() {
        let existing = [node("A"), node("B", name: "old")]
        let plan = ImportPlan(
            existingNodes: Dictionary(uniqueKeysWithValues: existing.map { ($0.id, $0) }), existingLinks: [:],
            incoming: Topology(nodes: [node("A"), node("B", name: "new"), node("C")]), mode: .merge
        )
        #expect(plan.nodes.created.map(\.id.rawValue) == ["C"])
        #expect(plan.nodes.updated.map(\.name) == ["new"])
        #expect(plan.nodes.unchanged.map(\.rawValue) == ["A"])
        #expect(plan.nodes.removed.isEmpty)
    }

    @Test func replaceRemovesWhatTheFileOmits() {
        let existing = [node("A"), node("B"), node("Z")]
        let plan = ImportPlan(
            existingNodes: Dictionary(uniqueKeysWithValues: existing.map { ($0.id, $0) }), existingLinks: [:],
            incoming: Topology(nodes: [node("A")]), mode: .replace
        )
        #expect(plan.nodes.removed.map(\.rawValue) == ["B", "Z"])
    }
}
