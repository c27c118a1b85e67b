import Foundation
import QonduitTestSupport
import Testing

/// README's picture of the targets is Package.swift's, not a drawing that drifts from it.
@Suite struct ArchitectureTests {
    @Test func readmeDrawsTheTargetGraphOfPackageSwift() async throws {
        let swift = try #require(ProcessRunner.which("swift"), "swift is not on PATH")
        // A scratch path of its own: the running `swift test` holds the package's `.build`.
        let dumped = try await ProcessRunner.run(
            swift, ["package", "--package-path", RepositoryPaths.root.path, "--scratch-path", TestFiles.path("scratch"), "dump-package"])
        try #require(dumped.status == 0, "\(dumped.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(dumped.stdout.utf8)) as? [String: Any])
        let expected = Self.picture(of: try Self.targets(manifest))
        let readme = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let drawn = readme.contains("```text\n" + expected + "```\n")
        #expect(drawn, "README's target picture should read:\n\(expected)")
    }

    /// Each target of the product (not tests, not their support) and the targets it names.
    static func targets(_ manifest: [String: Any]) throws -> [String: [String]] {
        let all = try #require(manifest["targets"] as? [[String: Any]])
        var dependencies: [String: [String]] = [:]
        for target in all where target["type"] as? String != "test" {
            guard let name = target["name"] as? String, !name.hasSuffix("TestSupport") else { continue }
            dependencies[name] = (target["dependencies"] as? [[String: Any]] ?? []).compactMap { dependency in
                ((dependency["byName"] ?? dependency["target"]) as? [Any])?.first as? String
            }
        }
        return dependencies.mapValues { $0.filter { dependencies[$0] != nil } }
    }

    /// One line per target, the executable first and leaves last, with the targets it depends on
    /// directly and not through another of them.
    static func picture(of dependencies: [String: [String]]) -> String {
        var reachable: [String: Set<String>] = [:]
        func reach(_ target: String) -> Set<String> {
            if let known = reachable[target] { return known }
            let found = dependencies[target, default: []].reduce(into: Set<String>()) {
                $0.insert($1)
                $0.formUnion(reach($1))
            }
            reachable[target] = found
            return found
        }
        func depth(_ target: String) -> Int { dependencies[target, default: []].map { depth($0) + 1 }.max() ?? 0 }
        let width = dependencies.keys.map(\.count).max() ?? 0
        let ordered = dependencies.keys.sorted { (depth($0), $1) > (depth($1), $0) }
        return ordered.map { target in
            let direct = dependencies[target, default: []]
            let reduced = direct.filter { candidate in !direct.contains { $0 != candidate && reach($0).contains(candidate) } }.sorted()
            let name = target.padding(toLength: width, withPad: " ", startingAt: 0)
            return reduced.isEmpty ? target : "\(name)  ─▶ \(reduced.joined(separator: ", "))"
        }.joined(separator: "\n") + "\n"
    }
}
