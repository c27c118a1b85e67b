public import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOHTTP1
public import QonduitCore
public import QonduitETSI
public import QonduitStorage

/// The controller as a RESTCONF client (RFC 8040) of its node agents and of standard devices, in
/// the encoding each speaks: XML for agents that registered, XML or JSON for devices onboarded by address.
public struct AgentRESTCONFClient: Sendable {
    let client: HTTPClient
    let timeout: TimeAmount
    /// How to talk to the agent serving RESTCONF at a URL: what it is shown (an `Authorization`
    /// header value; nil shows nothing) and the encoding it speaks.
    let access: @Sendable (_ restconfURL: String) async throws -> Access
    /// Told when the device at a URL refused PUT and PATCH, so that it is configured by create from then on.
    let refusedReplace: @Sendable (_ restconfURL: String) async -> Void
    /// The epoch requests carry, and whether configuration may be written now.
    let fence: any SouthboundFence

    /// Largest answer read from an agent: a device sending more is refused, not buffered.
    public static let maxAnswerBytes = 16 << 20

    public struct Access: Sendable {
        public var authorization: String?
        public var encoding: ETSIEncoding
        /// Whether entries are removed with an RFC 8072 YANG Patch (XML), falling back to `DELETE`s
        /// when the agent refuses it; otherwise one `DELETE` per entry.
        public var yangPatch: Bool
        /// The CA (PEM) the agent's certificate is verified with, when not the client's own.
        public var tlsCA: String?
        /// The device refused PUT and PATCH (as ETSI TeraFlowSDN's mock node does): entries go by
        /// RFC 8040 create, a `POST` of their list container.
        public var createOnly: Bool

        public init(
            authorization: String? = nil, encoding: ETSIEncoding = .xml, yangPatch: Bool = true, tlsCA: String? = nil, createOnly: Bool = false
        ) {
            self.authorization = authorization
            self.encoding = encoding
            self.yangPatch = yangPatch
            self.tlsCA = tlsCA
            self.createOnly = createOnly
        }

        /// The client that verifies the agent as this access says.
        func client(or standard: HTTPClient, streaming: Bool = false) throws -> HTTPClient {
            try tlsCA.map { try DeviceTLSClients.client(ca: $0, streaming: streaming) } ?? standard
        }
    }

    /// Agents that are down refuse connections; AsyncHTTPClient retries a refused connection until
    /// its connect timeout, so a short one keeps the reconciler and re-synchronisation moving.
    /// Lives as long as the process, as `HTTPClient.shared` does.
    public static let defaultClient = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(2), read: .seconds(10)))
    )

    public init(
        client: HTTPClient = AgentRESTCONFClient.defaultClient, timeout: TimeAmount = .seconds(10),
        access: @escaping @Sendable (_ restconfURL: String) async throws -> Access = { _ in Access() },
        refusedReplace: @escaping @Sendable (_ restconfURL: String) async -> Void = { _ in }, fence: any SouthboundFence = UnfencedSouthbound()
    ) {
        self.client = client
        self.timeout = timeout
        self.access = access
        self.refusedReplace = refusedReplace
        self.fence = fence
    }

    /// A client that authenticates to each registered agent with the proof of its node's newest
    /// credential (which the inventory keeps until a credential, node or agent changes), and to each
    /// onboarded device with its own credential, opened with `sealer`.
    public init(
        inventory: any Inventory, sealer: CredentialSealer? = nil, client: HTTPClient = AgentRESTCONFClient.defaultClient,
        timeout: TimeAmount = .seconds(10), fence: any SouthboundFence = UnfencedSouthbound()
    ) {
        self.init(
            client: client, timeout: timeout,
            access: { url in
                switch try await inventory.agentAccess(at: url) {
                case nil: return Access()
                case .registered(let proof)?: return Access(authorization: proof.map { "Bearer \($0)" })
                case .onboarded(let node, let encoding, let sealed, let yangPatch, let ca, let createOnly)?:
                    let encoding: ETSIEncoding = encoding == .json ? .json : .xml
                    guard let sealed else { return Access(encoding: encoding, yangPatch: yangPatch, tlsCA: ca, createOnly: createOnly) }
                    guard let sealer else { throw Failure(url: url, message: "the device's credential is sealed and no key file was given") }
                    return Access(
                        authorization: try sealer.open(sealed, for: node.rawValue).authorization, encoding: encoding, yangPatch: yangPatch,
                        tlsCA: ca, createOnly: createOnly)
                }
            },
            refusedReplace: { url in try? await inventory.recordCreateOnly(at: url) }, fence: fence)
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
        let access = try await access(restconfURL)
        let answer = try await send(.GET, restconfURL, Self.nodePath, access: access)
        let (node, document, _) = try Self.decodeTree(answer, url: restconfURL + Self.nodePath)
        return (node, document)
    }

    /// What a poll found: the tree, or that it has not changed since the entity tag given.
    public enum Poll: Sendable {
        case unchanged
        case tree(ETSINode, document: String, etag: String?, encoding: ETSIEncoding)
    }

    /// Reads the tree unless it still has entity tag `etag` (`If-None-Match`). `access` overrides what
    /// the inventory says of the agent (a device being onboarded is not in it yet); `askingBoth`
    /// accepts JSON or XML, whichever the device speaks.
    public func poll(at restconfURL: String, etag: String? = nil, access override: Access? = nil, askingBoth: Bool = false) async throws -> Poll {
        let access: Access
        if let override { access = override } else { access = try await self.access(restconfURL) }
        var headers = HTTPHeaders()
        if let etag { headers.add(name: "If-None-Match", value: etag) }
        let answer = try await send(.GET, restconfURL, Self.nodePath, access: access, accept: askingBoth ? Self.acceptBoth : nil, headers: headers)
        if answer.status == 304 { return .unchanged }
        let (node, document, encoding) = try Self.decodeTree(answer, url: restconfURL + Self.nodePath)
        return .tree(node, document: document, etag: answer.etag, encoding: encoding)
    }

    /// The device's RESTCONF capabilities (RFC 8040 §9.1); none when it does not say.
    public func capabilities(at restconfURL: String, access: Access) async -> RESTCONFCapabilities {
        let path = "/data/ietf-restconf-monitoring:restconf-state/capabilities"
        guard let answer = try? await send(.GET, restconfURL, path, access: access, refusing: false), (200..<300).contains(answer.status) else {
            return RESTCONFCapabilities([])
        }
        let encoding = answer.encoding
        return RESTCONFCapabilities.decode(answer.body.readableBytesView, encoding: encoding) ?? RESTCONFCapabilities([])
    }

    static let nodePath = "/data/etsi-qkd-sdn-node:qkd_node"
    static let acceptBoth = "application/yang-data+json, application/yang-data+xml;q=0.9"

    /// The tree in the encoding the answer names (the one its body starts like when it names none),
    /// and that encoding; an answer in neither (an HTML error page, say) is refused by its type.
    static func decodeTree(_ answer: Answer, url: String) throws -> (node: ETSINode, document: String, encoding: ETSIEncoding) {
        if let type = answer.contentType, !type.isEmpty, ETSIEncoding(mediaType: type) == nil {
            throw Failure(url: url, message: "the answer is \(type.prefix(60)), not GS QKD 015 data in XML or JSON")
        }
        let encoding = answer.encoding
        do {
            return (try ETSINode.decode(answer.body.readableBytesView, encoding: encoding), String(buffer: answer.body), encoding)
        } catch {
            throw Failure(url: url, message: "the tree does not decode: \(error)")
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
    /// work of sending that needs no I/O, so it is done ahead in XML (see `RESTCONFNodeConfigurator.prepare`);
    /// a device that speaks JSON gets them encoded when they are sent.
    public struct EncodedEntries: Sendable {
        let list: ConfigurationList
        /// The key of the one entry; nil for several.
        let key: QKDUUID?
        let document: String
        let json: @Sendable () -> String

        /// Nil for no links.
        public init?(links: [ETSILink]) {
            self.init(
                .links, links.map { ($0.id, $0.encodedEntry()) },
                json: { links.count == 1 ? links[0].encodedEntry(encoding: .json) : ETSIEntryList.document(links: links, encoding: .json) },
                containerOfOne: { ETSIEntryList.document(links: links, encoding: $0) })
        }

        /// Nil for no applications.
        public init?(applications: [ETSIApplication]) {
            self.init(
                .applications, applications.map { ($0.id, $0.encodedEntry()) },
                json: {
                    applications.count == 1
                        ? applications[0].encodedEntry(encoding: .json) : ETSIEntryList.document(applications: applications, encoding: .json)
                },
                containerOfOne: { ETSIEntryList.document(applications: applications, encoding: $0) })
        }

        /// `entries` are entry documents, by key.
        private init?(
            _ list: ConfigurationList, _ entries: [(key: QKDUUID, document: String)], json: @escaping @Sendable () -> String,
            containerOfOne: @escaping @Sendable (ETSIEncoding) -> String
        ) {
            guard let first = entries.first else { return nil }
            self.containerOfOne = containerOfOne
            self.list = list
            key = entries.count == 1 ? first.key : nil
            document =
                entries.count == 1
                ? first.document : (list == .links ? ETSIEntryList.links : .applications).document(of: entries.map(\.document))
            self.json = json
        }

        func document(_ encoding: ETSIEncoding) -> String { encoding == .xml ? document : json() }

        /// The entries as their list container, as RFC 8040 create (`POST`) takes them.
        func container(_ encoding: ETSIEncoding) -> String {
            key == nil ? document(encoding) : containerOfOne(encoding)
        }
        let containerOfOne: @Sendable (ETSIEncoding) -> String
    }

    /// Puts encoded entries: one at its key, several merged into their list (a plain `PATCH` of the
    /// list's container). A device that refuses both (405 or 501) gets them by RFC 8040 create, a
    /// `POST` of the list container (as ETSI TeraFlowSDN's driver configures its mock node), and is
    /// remembered as such (`write_method: post`) until the controller restarts or onboards it again.
    public func put(_ entries: EncodedEntries, at restconfURL: String) async throws {
        let access = try await access(restconfURL)
        if access.createOnly { return try await create(entries, at: restconfURL, access: access) }
        let body = entries.document(access.encoding)
        let path =
            entries.key.map { "\(Self.nodePath)/\(entries.list.path)=\($0.text)" } ?? "\(Self.nodePath)/\(entries.list.container)"
        let answer = try await send(entries.key == nil ? .PATCH : .PUT, restconfURL, path, body: body, access: access, refusing: false)
        if [405, 501].contains(answer.status) {
            try await create(entries, at: restconfURL, access: access)
            await refusedReplace(restconfURL)
            return
        }
        try answer.check(url: restconfURL + path)
    }

    /// RFC 8040 create: the entries' list container `POST`ed to the container's resource.
    private func create(_ entries: EncodedEntries, at restconfURL: String, access: Access) async throws {
        _ = try await send(
            .POST, restconfURL, "\(Self.nodePath)/\(entries.list.container)/", body: entries.container(access.encoding), access: access)
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
        let access = try await access(restconfURL)
        try await delete(list, id: id, at: restconfURL, access: access, ignoringMissing: ignoringMissing)
    }

    private func delete(_ list: ConfigurationList, id: QKDUUID, at restconfURL: String, access: Access, ignoringMissing: Bool) async throws {
        let answer = try await send(.DELETE, restconfURL, "\(Self.nodePath)/\(list.path)=\(id.text)", access: access, refusing: false)
        if answer.status == 404 && ignoringMissing { return }
        try answer.check(url: restconfURL + "\(Self.nodePath)/\(list.path)=\(id.text)")
    }

    /// Takes entries off the node in one request, all or none: an RFC 8072 YANG Patch of `remove`
    /// edits (an entry already gone is no error). An agent that does not take YANG Patch (it answers
    /// 415, 405 or 404 to a `PATCH` of `qkd_node`), and a device that does not list the YANG Patch
    /// capability or speaks JSON, get one `DELETE` per entry instead.
    public func remove(_ targets: [YANGPatch.Target], at restconfURL: String) async throws {
        guard !targets.isEmpty else { return }
        let access = try await access(restconfURL)
        if access.encoding == .xml && access.yangPatch {
            let patch = YANGPatch(patchID: "remove-\(QKDUUID.random().text)", removing: targets)
            let answer = try await send(
                .PATCH, restconfURL, Self.nodePath, body: patch.encoded(), contentType: YANGPatch.mediaType, access: access, refusing: false)
            if ![404, 405, 415].contains(answer.status) { return try answer.check(url: restconfURL + Self.nodePath) }
        }
        for (index, target) in targets.enumerated() {
            do {
                switch target {
                case .link(let id): try await delete(.links, id: id, at: restconfURL, access: access, ignoringMissing: true)
                case .application(let id): try await delete(.applications, id: id, at: restconfURL, access: access, ignoringMissing: true)
                }
            } catch let failure as Failure where failure.status == 405 || failure.status == 501 {
                // A device without DELETE keeps what it should not hold: said in one line, with what.
                let left = targets[index...].map { target -> String in
                    switch target {
                    case .link(let id), .application(let id): id.text
                    }
                }
                let named = left.prefix(5).joined(separator: ", ") + (left.count > 5 ? ", …" : "")
                throw Failure(
                    url: restconfURL, message: "device refuses DELETE (\(failure.status ?? 0)): \(left.count) entries it should not hold: \(named)",
                    status: failure.status)
            }
        }
    }

    /// An answer read whole (up to `maxAnswerBytes`).
    struct Answer {
        var status: Int
        var contentType: String?
        var etag: String?
        var body: ByteBuffer

        /// The encoding the answer names, else the one its body starts like.
        var encoding: ETSIEncoding { ETSIEncoding(contentType: contentType, body: body.readableBytesView) }

        /// Throws the agent's refusal, in its words, unless the status is a success.
        func check(url: String) throws {
            guard !(200..<300).contains(status) && status != 304 else { return }
            let bytes = body.readableBytesView
            let encoding = self.encoding
            let message =
                RESTCONFErrors.decode(bytes, encoding: encoding)?.entries.map(\.message).joined(separator: "; ")
                ?? YANGPatchStatus.decode(bytes)?.errors.map(\.description).joined(separator: "; ")
                ?? ErrorWording.oneLine(String(buffer: body))
            throw Failure(url: url, message: "\(status): \(message)", status: status)
        }
    }

    /// Sends one request; a status other than a success is thrown as the agent's refusal unless `refusing` is false.
    func send(
        _ method: HTTPMethod, _ restconfURL: String, _ path: String, body: String? = nil, contentType: String? = nil, access: Access,
        accept: String? = nil, headers extra: HTTPHeaders = [:], refusing: Bool = true
    ) async throws -> Answer {
        let url = restconfURL + path
        // A leader whose lease could expire before the request is answered sends no configuration.
        guard method == .GET || method == .HEAD || fence.mayWriteSouthbound(within: .nanoseconds(timeout.nanoseconds)) else {
            throw Failure(url: url, message: "not sent: this controller does not hold the leader lease long enough to write to nodes")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = extra
        if let epoch = fence.epoch { request.headers.add(name: ControllerEpochHeader.name, value: String(epoch)) }
        if let authorization = access.authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.headers.add(name: "Accept", value: accept ?? access.encoding.mediaType)
        if let body {
            request.headers.add(name: "Content-Type", value: contentType ?? access.encoding.mediaType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await access.client(or: client).execute(request, timeout: timeout)
        } catch let invalid as DeviceTLSClients.InvalidCA {
            throw Failure(url: url, message: invalid.description)
        } catch {
            throw Failure(url: url, message: "unreachable: \(ErrorWording.connectionFailure(error, url: url))")
        }
        let collected: ByteBuffer
        do {
            collected = try await response.body.collect(upTo: Self.maxAnswerBytes)
        } catch is NIOTooManyBytesError {
            throw Failure(url: url, message: "the answer is larger than \(Self.maxAnswerBytes) bytes", status: Int(response.status.code))
        } catch {
            throw Failure(
                url: url, message: "the answer broke off: \(ErrorWording.connectionFailure(error, url: url))", status: Int(response.status.code))
        }
        let answer = Answer(
            status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
            etag: response.headers.first(name: "ETag"), body: collected)
        if refusing { try answer.check(url: url) }
        return answer
    }
}

extension DeviceCredential {
    /// The `Authorization` header value.
    public var authorization: String {
        switch self {
        case .bearer(let token): "Bearer \(token)"
        case .basic(let username, let password): "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())"
        }
    }
}
