import Foundation
import QonduitCore
import QonduitTestSupport
import QonduitTopology
import Testing

@Suite struct ExampleTopologyTests {
    static let files = (try? RepositoryPaths.exampleTopologies()) ?? []

    @Test func thereAreAtLeastThreeExamples() {
        #expect(Self.files.count >= 3)
    }

    @Test(arguments: files)
    func everyExampleValidatesWithYanglint(_ file: URL) async throws {
        let xml = try String(contentsOf: file, encoding: .utf8)
        let problems = try await YANGValidator.topologyProblems(xml)
        #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems)")
    }

    @Test(arguments: files)
    func everyExampleReadsAndCarriesAComment(_ file: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: file))
        let assembled = try TopologyReader.read(bytes, file: file.lastPathComponent)
        #expect(assembled.format == .qonduit)
        #expect(assembled.warnings.isEmpty)
        #expect(assembled.topology.links.allSatisfy { $0.keyRateBps > 0 && $0.status == .up })
        #expect(String(decoding: bytes, as: UTF8.self).contains("<!--"))
    }

    @Test func examplesCoverMetroBackboneAndMultiCityScales() throws {
        let topologies = try Self.files.map { try TopologyReader.read([UInt8](try Data(contentsOf: $0)), file: $0.path).topology }
        #expect(topologies.contains { $0.nodes.count <= 10 })
        let backbone = try #require(
            topologies.first { topology in
                let km = topology.links.reduce(0) { $0 + $1.lengthKm }
                return km >= 1_000 && km <= 2_000 && topology.links.count == topology.nodes.count - 1
            })
        #expect(backbone.nodes.allSatisfy { $0.trusted })
        #expect(topologies.contains { $0.nodes.count >= 30 && $0.links.count > $0.nodes.count })
    }

    @Test(arguments: files)
    func exportsValidateAndRoundTripExactly(_ file: URL) async throws {
        let original = try TopologyReader.read([UInt8](try Data(contentsOf: file)), file: file.path).topology
        let native = TopologyWriter.write(original, as: .qonduit, comment: " round trip ")
        #expect(try await YANGValidator.topologyProblems(native).isEmpty)
        for format in TopologyExportFormat.allCases {
            let text = TopologyWriter.write(original, as: format)
            let again = try TopologyReader.read(Array(text.utf8), file: "export").topology
            #expect(Set(again.nodes) == Set(original.nodes), "\(format)")
            #expect(Set(again.links) == Set(original.links), "\(format)")
        }
    }
}
