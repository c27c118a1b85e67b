public import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOHTTP1
public import QonduitCore
public import QonduitETSI
public import QonduitInventory

/// The controller as a RESTCONF client (RFC 8040, XML) of its node agents.
public struct AgentRESTCONFClient: Sendable {
    let client: HTTPClient
    let timeout: TimeAmount
    /// What the controller presents to the agent serving RESTCONF at a URL (its proof, sent as a
    /// bearer token); nil sends none.
    let proof: @Sendable (_ restconfURL: String) async throws -> String?

    /// Agents that are down refuse connections; AsyncHTTPClient retries a refused connection until
    /// its connect timeout, so a short one keeps the reconciler and re-synchronisation moving.
    /// Lives as long as the process, as `HTTPClient.shared` does.
    public static let defaultClient = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(2), read: .seconds(10)))
    )

    public init(
        client: HTTPClient = AgentRESTCONFClient.defaultClient, timeout: TimeAmount = .seconds(10),
        proof: @escaping @Sendable (_ restconfURL: String) async throws -> String? = { _ in nil }
    ) {
        self.client = client
        self.timeout = timeout
        self.proof = proof
    }

    /// A client that authenticates to each agent with the proof of its node's newest credential
    /// (which the inventory keeps until a credential, node or agent changes).
    public init(inventory: Inventory, client: HTTPClient = AgentRESTCONFClient.defaultClient, timeout: TimeAmount = .seconds(10)) {
        self.init(client: client, timeout: timeout) { url in try await inventory.controllerProof(forAgentAt: url) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var url: String
        public var message: String
        /// The HTTP status the agent answered with; nil when it did not answer.
        public var status: Int?
        public var description: String { "\(url): \(message)" }

        public init(url: String, message: String, status: Int? = nil) {
            self.url = url
            self.message = message
            self.status = status
        }
    }

    /// The agent's whole tree, decoded, with the document as it was sent.
    public func tree(at restconfURL: String) async throws -> (node: ETSINode, document: String) {
        let path = "/data/etsi-qkd-sdn-node:qkd_node"
        let url = restconfURL + path
        let body = try await send(.GET, restconfURL, path, body: nil)
        do {
            return (try ETSINode.decode(body.readableBytesView), String(buffer: body))
        } catch {
            throw Failure(url: url, message: "the agent's tree does not decode: \(error)")
        }
    }

    /// The configuration lists of a node the controller writes.
    public enum ConfigurationList: Sendable {
        case links, applications

        /// The list's container under `qkd_node`.
        var container: String { self == .links ? "qkd_links" : "qkd_applications" }

        var path: String { self == .links ? "\(container)/qkd_link" : "\(container)/qkd_app" }
    }

    /// Entries of one configuration list as they are sent: one entry as itself, to be put at its key;
    /// several as their list container, to be merged into the list by one `PATCH`. Encoding is the
    /// work of sending that needs no I/O, so it can be done ahead (see `RESTCONFNodeConfigurator.prepare`).
    public struct EncodedEntries: Sendable {
        let list: ConfigurationList
        /// The key of the one entry; nil for several.
        let key: QKDUUID?
        let document: String

        /// Nil for no links.
        public init?(links: [ETSILink]) {
            self.init(.links, links.map { ($0.id, $0.encodedEntry()) })
        }

        /// Nil for no applications.
        public init?(applications: [ETSIApplication]) {
            self.init(.applications, applications.map { ($0.id, $0.encodedEntry()) })
        }

        /// `entries` are entry documents, by key.
        private init?(_ list: ConfigurationList, _ entries: [(key: QKDUUID, document: String)]) {
            guard let first = entries.first else { return nil }
            self.list = list
            key = entries.count == 1 ? first.key : nil
            document =
                entries.count == 1
                ? first.document : (list == .links ? ETSIEntryList.links : .applications).document(of: entries.map(\.document))
        }
    }

    /// Puts encoded entries: one at its key, several merged into their list (a plain `PATCH` of the list's container).
    public func put(_ entries: EncodedEntries, at restconfURL: String) async throws {
        if let key = entries.key {
            _ = try await send(.PUT, restconfURL, "/data/etsi-qkd-sdn-node:qkd_node/\(entries.list.path)=\(key.text)", body: entries.document)
        } else {
            _ = try await send(.PATCH, restconfURL, "/data/etsi-qkd-sdn-node:qkd_node/\(entries.list.container)", body: entries.document)
        }
    }

    /// Puts links, each replacing any entry with its key, in one request.
    public func put(links: [ETSILink], at restconfURL: String) async throws {
        if let entries = EncodedEntries(links: links) { try await put(entries, at: restconfURL) }
    }

    /// Puts applications, each replacing any entry with its key, in one request.
    public func put(applications: [ETSIApplication], at restconfURL: String) async throws {
        if let entries = EncodedEntries(applications: applications) { try await put(entries, at: restconfURL) }
    }

    /// Deletes the list entry with key `id`; `ignoringMissing` makes an entry already gone a success.
    public func delete(_ list: ConfigurationList, id: QKDUUID, at restconfURL: String, ignoringMissing: Bool = false) async throws {
        do {
            _ = try await send(.DELETE, restconfURL, "/data/etsi-qkd-sdn-node:qkd_node/\(list.path)=\(id.text)", body: nil)
        } catch let failure as Failure where ignoringMissing && failure.status == 404 {
            return
        }
    }

    /// Takes entries off the node in one request, all or none: an RFC 8072 YANG Patch of `remove`
    /// edits (an entry already gone is no error). An agent that does not take YANG Patch (it answers
    /// 415, 405 or 404 to a `PATCH` of `qkd_node`) gets one `DELETE` per entry instead.
    public func remove(_ targets: [YANGPatch.Target], at restconfURL: String) async throws {
        guard !targets.isEmpty else { return }
        do {
            let patch = YANGPatch(patchID: "remove-\(QKDUUID.random().text)", removing: targets)
            _ = try await send(.PATCH, restconfURL, "/data/etsi-qkd-sdn-node:qkd_node", body: patch.encoded(), contentType: YANGPatch.mediaType)
        } catch let failure as Failure where [404, 405, 415].contains(failure.status) {
            for target in targets {
                switch target {
                case .link(let id): try await delete(.links, id: id, at: restconfURL, ignoringMissing: true)
                case .application(let id): try await delete(.applications, id: id, at: restconfURL, ignoringMissing: true)
                }
            }
        }
    }

    private func send(
        _ method: HTTPMethod, _ restconfURL: String, _ path: String, body: String?, contentType: String = "application/yang-data+xml"
    ) async throws -> ByteBuffer {
        let url = restconfURL + path
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let proof = try await proof(restconfURL) { request.headers.add(name: "Authorization", value: "Bearer \(proof)") }
        request.headers.add(name: "Accept", value: "application/yang-data+xml")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw Failure(url: url, message: "unreachable: \(error)")
        }
        let answer = try await response.body.collect(upTo: 16 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            let message =
                RESTCONFErrors.decode(answer.readableBytesView)?.entries.map(\.message).joined(separator: "; ")
                ?? YANGPatchStatus.decode(answer.readableBytesView)?.errors.map(\.description).joined(separator: "; ") ?? String(buffer: answer)
            throw Failure(url: url, message: "\(response.status.code): \(message)", status: Int(response.status.code))
        }
        return answer
    }
}
