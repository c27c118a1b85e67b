import Foundation
import QonduitCore
import QonduitStorage
import QonduitTestSupport
import QonduitTopology
import Testing

struct TopologyImportChecks {
    let storage: StorageUnderTest

    func draft(_ file: URL) throws -> TopologyDraft {
        try TopologyReader.draft([UInt8](try Data(contentsOf: file)), file: file.lastPathComponent)
    }

    func importIsIdempotentByID() async throws {
        let inventory = try await storage.store()
        let file = try #require(try RepositoryPaths.exampleTopologies().first)
        let first = try await inventory.importTopology(try draft(file), file: "f", mode: .merge)
        #expect(first.nodes.created > 0 && first.links.created > 0)
        let second = try await inventory.importTopology(try draft(file), file: "f", mode: .merge)
        #expect(second.nodes.created == 0 && second.nodes.updated == 0 && second.nodes.unchanged == first.nodes.created)
        #expect(second.links.unchanged == first.links.created)
    }

    func replaceRemovesWhatTheFileNoLongerHasAndMergeKeepsIt() async throws {
        let inventory = try await storage.store()
        let files = try RepositoryPaths.exampleTopologies()
        let a = try await inventory.importTopology(try draft(files[0]), file: "a", mode: .merge)
        let b = try await inventory.importTopology(try draft(files[1]), file: "b", mode: .merge)
        #expect(try await inventory.nodes(limit: 1, offset: 0).total == a.nodes.created + b.nodes.created)
        let replaced = try await inventory.importTopology(try draft(files[1]), file: "b", mode: .replace)
        #expect(replaced.nodes.removed == a.nodes.created && replaced.links.removed == a.links.created)
        #expect(try await inventory.nodes(limit: 1, offset: 0).total == b.nodes.created)
    }

    func aBadFileChangesNothing() async throws {
        let inventory = try await storage.store()
        _ = try await inventory.createNode(node("A"))
        let document = """
            <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology">
            <network><network-id>n</network-id><node><node-id>B</node-id></node><node><node-id>C</node-id></node>
            <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>B</nt:source-node></nt:source>
            <nt:destination><nt:dest-node>missing</nt:dest-node></nt:destination></nt:link></network></networks>
            """
        let draft = try TopologyReader.draft(Array(document.utf8), file: "bad.xml")
        await #expect(throws: NetworkError.self) {
            try await inventory.importTopology(draft, file: "bad.xml", mode: .replace)
        }
        let (nodes, links) = try await inventory.topology()
        #expect(nodes.map(\.value.id.rawValue) == ["A"] && links.isEmpty)
    }

    func mergedLinksMayReferenceNodesAlreadyInTheInventory() async throws {
        let inventory = try await storage.store()
        _ = try await inventory.createNode(QKDNode(id: try NodeID("X"), location: GeoCoordinate(latitude: 48.2, longitude: 16.37)))
        let document = """
            <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology"
                      xmlns:q="urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology">
            <network><network-id>n</network-id>
            <node><node-id>B</node-id><q:qkd-node><q:latitude>48.15</q:latitude><q:longitude>17.1</q:longitude></q:qkd-node></node>
            <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>B</nt:source-node></nt:source>
            <nt:destination><nt:dest-node>X</nt:dest-node></nt:destination></nt:link></network></networks>
            """
        let summary = try await inventory.importTopology(try TopologyReader.draft(Array(document.utf8), file: "m"), file: "m", mode: .merge)
        #expect(summary.links.created == 1)
        #expect(try await inventory.link("L").value.lengthKm > 50)
    }

    func aReimportKeepsTheStatusTheFileDoesNotState() async throws {
        let inventory = try await storage.store()
        func document(linkStatus: String?, nodeStatus: String?) -> [UInt8] {
            let nodeLeaf = nodeStatus.map { "<q:status>\($0)</q:status>" } ?? ""
            let linkLeaf = linkStatus.map { "<q:status>\($0)</q:status>" } ?? ""
            return Array(
                """
                <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:nt="urn:ietf:params:xml:ns:yang:ietf-network-topology"
                          xmlns:q="urn:qonduit:params:xml:ns:yang:qonduit-qkd-topology">
                <network><network-id>n</network-id>
                <node><node-id>A</node-id><q:qkd-node>\(nodeLeaf)</q:qkd-node></node><node><node-id>B</node-id></node>
                <nt:link><nt:link-id>L</nt:link-id><nt:source><nt:source-node>A</nt:source-node></nt:source>
                <nt:destination><nt:dest-node>B</nt:dest-node></nt:destination>
                <q:qkd-link><q:length-km>10</q:length-km>\(linkLeaf)</q:qkd-link></nt:link></network></networks>
                """.utf8)
        }
        let planned = document(linkStatus: "down", nodeStatus: nil)
        _ = try await inventory.importTopology(try TopologyReader.draft(planned, file: "p"), file: "p", mode: .merge)
        _ = try await inventory.updateNode("A") { $0.status = .down }
        let unstated = document(linkStatus: nil, nodeStatus: nil)
        for mode in [ImportMode.merge, .replace] {
            let again = try await inventory.importTopology(try TopologyReader.draft(unstated, file: "f"), file: "f", mode: mode)
            #expect(again.links.unchanged == 1 && again.nodes.unchanged == 2, "\(mode): nothing the file states changed")
            #expect(try await inventory.link("L").value.status == .down)
            #expect(try await inventory.node("A").value.status == .down)
        }
        let stated = document(linkStatus: "up", nodeStatus: "up")
        _ = try await inventory.importTopology(try TopologyReader.draft(stated, file: "g"), file: "g", mode: .merge)
        #expect(try await inventory.link("L").value.status == .up, "a stated status is put in force")
        #expect(try await inventory.node("A").value.status == .up)
    }

    func aLinkAnOperatorSetDownStaysDownWhateverAnImportSays() async throws {
        let inventory = try await storage.store()
        let file = try #require(try RepositoryPaths.exampleTopologies().first { $0.lastPathComponent.hasPrefix("metro") })
        _ = try await inventory.importTopology(try draft(file), file: "f", mode: .merge)
        _ = try await inventory.updateLink("mad-L1", operatorHold: true) { $0.status = .down }
        let again = try await inventory.importTopology(try draft(file), file: "f", mode: .merge)
        #expect(try await inventory.link("mad-L1").value.status == .down, "the file's up does not end the maintenance")
        #expect(again.links.updated == 0)
        let warning = try #require(again.warnings.first { $0.subject == "link 'mad-L1'" })
        #expect(warning.line == 80 && warning.message.contains("holds it down"), "\(warning)")
        _ = try await inventory.updateLink("mad-L1", operatorHold: true) { $0.status = .up }
        _ = try await inventory.updateLink("mad-L2", operatorHold: true) { $0.status = .down }
        // A change that is not an operator's holds nothing: the file's status comes back.
        _ = try await inventory.updateLink("mad-L3") { $0.status = .down }
        let after = try await inventory.importTopology(try draft(file), file: "f", mode: .replace)
        #expect(try await inventory.link("mad-L1").value.status == .up, "set up, it is no longer held")
        #expect(try await inventory.link("mad-L2").value.status == .down)
        #expect(try await inventory.link("mad-L3").value.status == .up, "not held: the file's status stands")
        #expect(after.warnings.map(\.subject) == ["link 'mad-L2'"])
        _ = try await inventory.createLink(
            QKDLink(
                id: try LinkID("spare"), nodeA: try NodeID("mad-norte"), nodeB: try NodeID("mad-upm"), lengthKm: 5, keyRateBps: 100, status: .down))
        #expect(try await inventory.linkOperationalState().heldDown == [try LinkID("mad-L2"), try LinkID("spare")], "created down through the API")
    }

    static let checks: [StorageCheck] = [
        StorageCheck("importIsIdempotentByID") { try await Self(storage: $0).importIsIdempotentByID() },
        StorageCheck("replaceRemovesWhatTheFileNoLongerHasAndMergeKeepsIt") {
            try await Self(storage: $0).replaceRemovesWhatTheFileNoLongerHasAndMergeKeepsIt()
        },
        StorageCheck("aBadFileChangesNothing") { try await Self(storage: $0).aBadFileChangesNothing() },
        StorageCheck("mergedLinksMayReferenceNodesAlreadyInTheInventory") {
            try await Self(storage: $0).mergedLinksMayReferenceNodesAlreadyInTheInventory()
        },
        StorageCheck("aReimportKeepsTheStatusTheFileDoesNotState") { try await Self(storage: $0).aReimportKeepsTheStatusTheFileDoesNotState() },
        StorageCheck("aLinkAnOperatorSetDownStaysDownWhateverAnImportSays") {
            try await Self(storage: $0).aLinkAnOperatorSetDownStaysDownWhateverAnImportSays()
        },
    ]
}
