import ArgumentParser
import Foundation
import QonduitAPITypes
import QonduitCore

extension AgentsCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Onboard a standard GS QKD 015 device by its address (admin).",
            discussion: """
                The controller finds the device's RESTCONF root (URL's path, else its /.well-known/host-meta), reads \
                etsi-qkd-sdn-node:qkd_node, and from then on polls it every --poll-interval-ms and configures it as it \
                configures registered agents. The node takes the device's qkdn_id. Nothing is stored if any step fails, \
                and the error says which. Credentials are read from files, sent once, stored sealed by the controller \
                and never shown again.
                """
        )
        @Argument(help: "The inventory node the device is.") var node: String
        @Argument(help: "The device's address, e.g. https://10.0.0.5:8443 or http://10.0.0.5:8080/restconf.") var url: String
        @Option(help: "What to speak to the device: auto (whatever it answers), xml or json.") var encoding = "auto"
        @Option(help: "A file holding the device's bearer token.") var bearerFile: String?
        @Option(help: "The device's user name for HTTP basic authentication (with --password-file).") var username: String?
        @Option(help: "A file holding the device's password for HTTP basic authentication.") var passwordFile: String?
        // Not --tls-ca: that one names the CA that verifies the controller (ClientOptions).
        @Option(help: "A PEM file with the CA that verifies the device's certificate (default: the controller's, serve --tls-ca).")
        var deviceTlsCa: String?
        @Option(help: "How often to poll the device, milliseconds.") var pollIntervalMs = DeviceOnboardingRequest.defaultPollIntervalMs
        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard DeviceOnboardingRequest.Encoding(rawValue: encoding) != nil else {
                throw ValidationError("--encoding must be auto, xml or json, got '\(encoding)'")
            }
            if bearerFile != nil && (username != nil || passwordFile != nil) {
                throw ValidationError("give either --bearer-file or --username with --password-file, not both")
            }
            if (username == nil) != (passwordFile == nil) { throw ValidationError("--username and --password-file go together") }
            let range = DeviceOnboardingRequest.pollIntervalRange
            guard range.contains(pollIntervalMs) else {
                throw ValidationError("--poll-interval-ms must be from \(range.lowerBound) to \(range.upperBound)")
            }
        }

        func run() async throws {
            var body: [String: any Sendable] = ["node": node, "restconf_url": url, "encoding": encoding, "poll_interval_ms": pollIntervalMs]
            if let bearerFile {
                body["auth"] = ["bearer": try Self.secret(bearerFile, flag: "--bearer-file")]
            } else if let username, let passwordFile {
                body["auth"] = ["basic": ["username": username, "password": try Self.secret(passwordFile, flag: "--password-file")]]
            }
            if let deviceTlsCa {
                guard let pem = try? String(contentsOfFile: deviceTlsCa, encoding: .utf8) else {
                    throw ValidationError("cannot read --device-tls-ca '\(deviceTlsCa)'")
                }
                body["tls_ca"] = pem
            }
            let answer: Answered<APIAgent> = try await client.controller().send("POST", "/api/v1/agents", body: RequestText.json(body))
            if client.json { return printJSON(answer.json) }
            let agent = answer.value
            print("onboarded node \(agent.nodeId) (qkdn_id \(agent.qkdnId)) at \(agent.restconfUrl), speaking \(agent.encoding.rawValue)")
        }

        /// A secret file's first line: a trailing newline is the editor's, not the secret's.
        static func secret(_ path: String, flag: String) throws -> String {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(flag) '\(path)'") }
            let secret = text.trimmingCharacters(in: .newlines)
            guard !secret.isEmpty else { throw ValidationError("\(flag) '\(path)' is empty") }
            return secret
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop managing nodes' agents (admin); the devices are not touched, and the nodes keep the planner's status.",
            discussion: "Name the nodes (as arguments or with --node, many times), or give --all to remove every agent."
        )
        @Argument(help: "A node whose agent to remove.") var node: String?
        @Option(name: .customLong("node"), help: "Another node whose agent to remove; may be repeated.") var nodes: [String] = []
        @Flag(help: "Remove every agent the controller has.") var all = false
        @OptionGroup var client: ClientOptions

        func validate() throws {
            let named = (node.map { [$0] } ?? []) + nodes
            if all && !named.isEmpty { throw ValidationError("give nodes or --all, not both") }
            if !all && named.isEmpty { throw ValidationError("name a node (or --node NODE, many times), or give --all") }
        }

        func run() async throws {
            let controller = try client.controller()
            var named = (node.map { [$0] } ?? []) + nodes
            if all { named = (try await controller.fetchAll("/api/v1/agents") as [APIAgent]).map(\.nodeId) }
            for node in named {
                let _: NoContent = try await controller.send("DELETE", "/api/v1/agents/\(RequestText.segment(node))")
                print("removed the agent of node \(node)")
            }
            if all { print("\(named.count) agent(s) removed") }
        }
    }
}
