import Foundation
import QonduitTopology
import Testing

/// Reads a fixture document shipped with these tests.
func fixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
    return [UInt8](try Data(contentsOf: url))
}

func issues(of error: any Error) -> [TopologyIssue] {
    (error as? TopologyFileError)?.issues ?? []
}
