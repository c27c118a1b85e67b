import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
public import QonduitCore
import QonduitETSI
public import QonduitStorage

/// Onboards standard GS QKD 015 devices by address: finds the RESTCONF root (RFC 8040 §3.1), reads
/// `etsi-qkd-sdn-node:qkd_node` in the encoding asked for, and records the device for its node with
/// its credential sealed. Nothing is stored unless all of that succeeds.
public struct DeviceOnboarder: DeviceOnboarding {
    let inventory: any Inventory
    let restconf: AgentRESTCONFClient
    let sealer: CredentialSealer?
    /// What devices onboarded without a credential of their own present, when they take the default.
    let defaultCredential: DeviceCredential?
    let logger: Logger

    public init(
        inventory: any Inventory, restconf: AgentRESTCONFClient, sealer: CredentialSealer?, defaultCredential: DeviceCredential? = nil, logger: Logger
    ) {
        self.inventory = inventory
        self.restconf = restconf
        self.sealer = sealer
        self.defaultCredential = defaultCredential
        self.logger = logger
    }

    public func onboard(_ request: DeviceOnboardingRequest) async throws {
        var request = request
        if request.credential == nil && request.usesDefaultCredential { request.credential = defaultCredential }
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { throw DeviceOnboardingFailure("'\(request.url.prefix(200))' is not an http or https URL") }
        guard request.credential == nil || sealer != nil else {
            throw DeviceOnboardingFailure("the controller has no key file to seal device credentials with")
        }
        if let ca = request.tlsCA {
            do { _ = try DeviceTLSClients.certificates(ca) } catch { throw DeviceOnboardingFailure("\(error)") }
        }
        let root = try await restconfRoot(of: url, request: request)
        var access = AgentRESTCONFClient.Access(
            authorization: request.credential?.authorization, encoding: request.encoding == .json ? .json : .xml, tlsCA: request.tlsCA)
        let poll: AgentRESTCONFClient.Poll
        do {
            poll = try await restconf.poll(at: root, access: access, askingBoth: request.encoding == .auto)
        } catch let failure as AgentRESTCONFClient.Failure {
            throw DeviceOnboardingFailure(Self.explain(failure))
        }
        guard case .tree(let node, let document, _, let encoding) = poll else {
            throw DeviceOnboardingFailure("\(root): the device answered 304 Not Modified to an unconditional GET")
        }
        if request.encoding != .auto && encoding.rawValue != request.encoding.rawValue {
            throw DeviceOnboardingFailure("\(root): the device answered in \(encoding.rawValue), not \(request.encoding.rawValue) as asked")
        }
        access.encoding = encoding
        // YANG Patch only where the device lists it (RFC 8040 §9.1); plain RFC 8040 methods otherwise.
        let yangPatch = await restconf.capabilities(at: root, access: access).supportsYANGPatch
        let sealed = try request.credential.map { try sealer!.seal($0, for: request.node.rawValue) }
        let result = try await inventory.onboardAgent(
            node: request.node, node.registration(restconfURL: root, tree: document), encoding: encoding == .json ? .json : .xml,
            pollIntervalMs: request.pollIntervalMs, sealedCredential: sealed, yangPatch: yangPatch, tlsCA: request.tlsCA)
        logger.info(
            "device onboarded",
            metadata: [
                "node": "\(request.node)", "qkdn_id": "\(node.id)", "restconf": "\(root)", "encoding": "\(encoding.rawValue)",
                "yang_patch": "\(yangPatch)",
                "unknown_links": "\(result.unknownLinks.count)",
            ])
    }

    /// The RESTCONF root: the URL itself when it has a path, else where the device's host-meta points.
    func restconfRoot(of url: URL, request: DeviceOnboardingRequest) async throws -> String {
        let text = request.url.hasSuffix("/") ? String(request.url.dropLast()) : request.url
        guard url.path.isEmpty || url.path == "/" else { return text }
        let origin = text
        // host-meta is public (RFC 6415): no credential is shown for it.
        let answer: AgentRESTCONFClient.Answer
        do {
            answer = try await restconf.send(
                .GET, origin, "/.well-known/host-meta", access: .init(tlsCA: request.tlsCA), accept: "application/xrd+xml")
        } catch let failure as AgentRESTCONFClient.Failure {
            throw DeviceOnboardingFailure("cannot find the RESTCONF root (RFC 8040 §3.1): \(Self.explain(failure))")
        }
        guard let href = HostMeta.restconfRoot(answer.body.readableBytesView) else {
            throw DeviceOnboardingFailure("\(origin)/.well-known/host-meta names no link of relation 'restconf'")
        }
        if href.hasPrefix("http://") || href.hasPrefix("https://") { return href.hasSuffix("/") ? String(href.dropLast()) : href }
        let path = href.hasPrefix("/") ? href : "/" + href
        return origin + (path.hasSuffix("/") ? String(path.dropLast()) : path)
    }

    /// A failure in the operator's terms: who refused what.
    static func explain(_ failure: AgentRESTCONFClient.Failure) -> String {
        switch failure.status {
        case 401?: "\(failure.url): the device refused the credentials (401)"
        case 403?: "\(failure.url): the device refused access (403)"
        case 404?: "\(failure.url): the device has no etsi-qkd-sdn-node:qkd_node (404)"
        default: failure.description
        }
    }
}
