public import ArgumentParser

/// `qonduit`: the SDN controller for QKD networks and its tools.
public struct QonduitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "qonduit",
        abstract: "SDN controller for quantum key distribution (QKD) networks.",
        discussion: """
            Run the controller with `qonduit serve`; work with topology files offline with \
            `qonduit topology validate|convert`; talk to a running controller with \
            `qonduit nodes list`, `qonduit links list`, `qonduit topology import` and \
            `qonduit paths compute`; provision key paths with `qonduit paths provision` (and list, show, \
            delete, reoptimize them); follow what changes with `qonduit events`; onboard standard \
            GS QKD 015 devices by address with `qonduit agents add`, and simulate agents or devices with \
            `qonduit agents simulate`. Every command that talks to the controller needs an API token: the first \
            start writes an admin token beside the database, named after it (qonduit-admin.token for qonduit.sqlite), \
            which commands read from the current directory by default (--token-file, QONDUIT_TOKEN or --token say otherwise); manage tokens \
            with `qonduit tokens`, agents' credentials with `qonduit agents credential`, and read who did what \
            with `qonduit audit`.
            """,
        subcommands: [
            ServeCommand.self, TopologyCommand.self, NodesCommand.self, LinksCommand.self, PathsCommand.self, EventsCommand.self, AgentsCommand.self,
            TokensCommand.self, AuditCommand.self, ControllersCommand.self, BackupCommand.self, BenchCommand.self,
        ]
    )

    public init() {}
}

/// The executable's entry point, so that `main.swift` needs no knowledge of the argument parser.
public enum QonduitMain {
    public static func run() async {
        var command: any ParsableCommand
        do {
            command = try QonduitCommand.parseAsRoot()
        } catch {
            QonduitCommand.exit(withError: error)  // with the usage of the subcommand the arguments were for
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let invalid as ValidationError {
            // Found while running (a token file, a server URL): the arguments parsed, so no usage line,
            // which ArgumentParser would otherwise print for the root command, not this one.
            QonduitCommand.exit(withError: CLIError(invalid.message))
        } catch {
            QonduitCommand.exit(withError: error)
        }
    }
}
