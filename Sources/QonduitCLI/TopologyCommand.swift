public import ArgumentParser
import Foundation
import QonduitAPI
public import QonduitCore
public import QonduitTopology

struct TopologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Validate, convert, import and export topology files (Qonduit native XML, GraphML, SNDlib).",
        subcommands: [Validate.self, Convert.self, Import.self, Export.self]
    )

    /// `--format auto|qonduit|graphml|sndlib`.
    enum InputFormat: String, ExpressibleByArgument, CaseIterable {
        case auto, qonduit, graphml, sndlib
        var format: TopologyFormat? { TopologyFormat(rawValue: rawValue) }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a topology file; print a summary, or every problem as file:line: message."
        )

        @Argument(help: "The topology file.") var file: String
        @Option(help: "Input format (auto detects it from the root element).") var format = InputFormat.auto
        @OptionGroup var fiber: FiberModelOptions

        func run() async throws {
            let assembled: AssembledTopology
            do {
                assembled = try TopologyFiles.read(file, format: format.format, fiberModel: try fiber.model())
            } catch let error as CLIError {
                // Exactly one `file:line: message` per problem, as compilers print them.
                printError(error.description)
                throw ExitCode.failure
            }
            for warning in assembled.warnings { printError("warning: \(warning.formatted(file: file))") }
            let topology = assembled.topology
            let trusted = topology.nodes.filter(\.trusted).count
            let totalKm = topology.links.reduce(0) { $0 + $1.lengthKm }
            print(
                "\(file): valid \(assembled.format.rawValue) topology: \(topology.nodes.count) nodes (\(trusted) trusted), "
                    + "\(topology.links.count) links, \(Format.number(totalKm, digits: 1)) km of fiber")
        }
    }

    struct Convert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Convert a topology file to another format.")

        @Argument(help: "The topology file.") var file: String
        @Option(help: "Input format (auto detects it from the root element).") var format = InputFormat.auto
        @Option(help: "Output format: qonduit or graphml.") var to: TopologyExportFormat
        @Option(name: .shortAndLong, help: "Write here instead of standard output.") var output: String?
        @OptionGroup var fiber: FiberModelOptions

        func run() async throws {
            let assembled = try TopologyFiles.read(file, format: format.format, fiberModel: try fiber.model())
            for warning in assembled.warnings { printError("warning: \(warning.formatted(file: file))") }
            let xml = TopologyWriter.write(
                assembled.topology, as: to, comment: " Converted by Qonduit from \((file as NSString).lastPathComponent). "
            )
            if let output {
                do { try xml.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                    throw CLIError("\(output): cannot write: \(error.localizedDescription)")
                }
                // As export says it: a file written where nothing else tells the user.
                printError("wrote \(output) (\(to.rawValue), \(xml.utf8.count) bytes)")
            } else {
                print(xml, terminator: "")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a running controller's inventory as a topology file (the planner's values, as imported)."
        )

        @Option(help: "qonduit (native) or graphml.") var format = TopologyExportFormat.qonduit
        @Option(name: [.short, .customLong("output")], help: "Write to this file instead of stdout.") var output: String?
        @OptionGroup var client: ClientOptions

        func validate() throws {
            if client.json { throw ValidationError("--json does not apply: an export is a topology file (--format qonduit or graphml)") }
        }

        func run() async throws {
            let document = try await client.controller().document(
                "/api/v1/topology/export", query: ["format": format.rawValue], accept: "application/xml"
            )
            if let output {
                do { try document.write(to: URL(fileURLWithPath: output)) } catch {
                    throw CLIError("\(output): cannot write: \(error.localizedDescription)")
                }
                printError("wrote \(output) (\(format.rawValue), \(document.count) bytes)")
            } else {
                FileHandle.standardOutput.write(document)
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a topology file into a running controller, all or nothing."
        )

        @Argument(help: "The topology file.") var file: String
        @Option(help: "Input format (auto detects it from the root element).") var format = InputFormat.auto
        @Option(help: "merge keeps what the file does not mention; replace removes it.") var mode = ImportMode.merge
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let body = try TopologyFiles.bytes(of: file)
            let name = (file as NSString).lastPathComponent
            let answer: Answered<ImportSummaryRepresentation> = try await client.controller().send(
                "POST", "/api/v1/topology/import",
                query: ["format": format.rawValue, "mode": mode.rawValue, "filename": name],
                body: body, contentType: "application/xml"
            )
            if client.json { return printJSON(answer.json) }
            let summary = answer.value
            print("imported \(name) (\(summary.format), \(summary.mode))")
            print(
                Table(
                    header: ["", "created", "updated", "unchanged", "removed"],
                    rows: [
                        ["nodes"] + columns(summary.nodes), ["links"] + columns(summary.links),
                    ]
                ).rendered)
            print("\(summary.devicesOnboarded) device\(summary.devicesOnboarded == 1 ? "" : "s") onboarded (device-url)")
            for warning in summary.warnings {
                printError("warning: \(name):\(warning.line.map { "\($0):" } ?? "") \(warning.subject): \(warning.message)")
            }
        }
    }
}

private func columns(_ counts: ImportSummaryRepresentation.Counts) -> [String] {
    [counts.created, counts.updated, counts.unchanged, counts.removed].map(String.init)
}

extension ImportMode: ExpressibleByArgument {}
extension TopologyExportFormat: ExpressibleByArgument {}
