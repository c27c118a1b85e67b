import Foundation
import Hummingbird
import Logging
import QonduitCore
import QonduitPathEngine
import QonduitProvisioning
import QonduitStorage
import QonduitTopology

/// Turns every error a handler throws into a problem+json response; nothing leaves the API as a bare status.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Problem.response(for: error, request: request, context: context)
        }
    }
}

extension Problem {
    /// The answer to a request whose handler threw `error`; a server error is logged with its cause.
    static func response(for error: any Error, request: Request, context: some RequestContext) throws -> Response {
        let problem = Problem(error)
        if problem.status.code >= 500 {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
        }
        return try problem.response(from: request, context: context)
    }
}

extension Problem {
    /// The problem a client is shown for `error`.
    init(_ error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let error as NetworkError:
            self.init(networkError: error)
        case let error as KeyPathError:
            self.init(keyPathError: error)
        case let error as AgentError:
            self.init(agentError: error)
        case let error as AccessError:
            self.init(accessError: error)
        case is NotLeader:
            self.init(.serviceUnavailable, detail: "this controller follows another: writes go to the leader (GET /api/v1/controllers names it)")
        case is StorageError:
            // What is corrupt is the log's to say (ProblemMiddleware logs it), not a client's to read.
            self.init(.internalServerError, detail: "the inventory holds data the controller cannot read; see its log")
        case let error as ProvisioningError:
            self.init(provisioningError: error)
        case let error as TopologyFileError:
            self.init(topologyError: error)
        case let error as UnknownFieldError:
            self.init(
                .badRequest, detail: "unknown field '\(error.field)'; this endpoint takes \(error.allowed.joined(separator: ", "))",
                errors: [.init(pointer: "/\(error.field)", message: "unknown field")]
            )
        case let error as DecodingError:
            self.init(decodingError: error)
        case let error as HTTPError:
            self.init(error.status, detail: error.body ?? Self.defaultDetail(for: error.status))
        case let error as any HTTPResponseError:
            self.init(error.status, detail: Self.defaultDetail(for: error.status))
        default:
            self.init(.internalServerError, detail: "the controller failed to handle the request; see its log")
        }
    }

    private static func defaultDetail(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such resource; GET /openapi.json lists the API"
        case .contentTooLarge: "the request body is larger than the controller accepts"
        case .methodNotAllowed: "the resource does not support this method"
        default: status.reasonPhrase
        }
    }

    init(networkError error: NetworkError) {
        switch error {
        case .nodeNotFound(let id):
            self.init(.notFound, detail: "no node with id '\(id)'")
        case .linkNotFound(let id):
            self.init(.notFound, detail: "no link with id '\(id)'")
        case .nodeExists(let id):
            self.init(.conflict, detail: "a node with id '\(id)' already exists; PATCH it to change it")
        case .linkExists(let id):
            self.init(.conflict, detail: "a link with id '\(id)' already exists; PATCH it to change it")
        case .unknownNode(let field, let id):
            self.init(
                .unprocessableContent, detail: "\(field) refers to node '\(id)', which does not exist",
                errors: [.init(pointer: "/\(field)", message: "unknown node '\(id)'")]
            )
        case .nodeHasLinks(let id, let links):
            let listed = links.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (links.count > 5 ? ", …" : "")
            self.init(
                .conflict,
                detail: "node '\(id)' still has \(links.count) link(s) (\(listed)); delete them first or pass ?cascade=true"
            )
        case .invalid(let failure):
            let items = failure.issues.map { Item(pointer: "/\($0.field)", message: $0.message) }
            self.init(.unprocessableContent, detail: "\(failure.subject): \(Problem.summary(of: items))", errors: items)
        case .topology(let error):
            self.init(topologyError: error)
        case .identityInUse(let uuid, let holder):
            self.init(.conflict, detail: "GS QKD 015 id '\(uuid)' already belongs to '\(holder)'")
        case .reservedByKeyPaths(let subject, let keyPaths):
            let listed = keyPaths.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (keyPaths.count > 5 ? ", …" : "")
            self.init(.conflict, detail: "'\(subject)' carries \(keyPaths.count) key path(s) (\(listed)); delete them first")
        }
    }

    init(keyPathError error: KeyPathError) {
        switch error {
        case .keyPathNotFound(let id):
            self.init(.notFound, detail: "no key path with id '\(id)'")
        case .overReservation(let link, let keyRate, let reserved, let asked):
            self.init(
                .conflict, detail: "link '\(link)' cannot take \(asked) bit/s more: \(reserved) of its \(keyRate) bit/s are reserved"
            )
        case .linkNotUp(let link, let status):
            self.init(.conflict, detail: "link '\(link)' is \(status.rawValue): no key path may reserve rate on it")
        }
    }

    init(agentError error: AgentError) {
        switch error {
        case .unknownAgentNode(let uuid):
            self.init(.notFound, detail: "no node has GS QKD 015 id '\(uuid)'")
        case .agentNotRegistered(let uuid):
            self.init(.notFound, detail: "no agent has registered for the node with GS QKD 015 id '\(uuid)'")
        case .agentExists(let node, let kind):
            self.init(.conflict, detail: "node '\(node)' already has an agent (\(kind.rawValue)); DELETE /api/v1/agents/\(node) first")
        case .agentNotFound(let node):
            self.init(.notFound, detail: "node '\(node)' has no agent")
        case .unknownReportedLink(let uuid, let node):
            self.init(.unprocessableContent, detail: "node '\(node)' has no link with GS QKD 015 id '\(uuid)'")
        }
    }

    init(accessError error: AccessError) {
        switch error {
        case .tokenNotFound(let id):
            self.init(.notFound, detail: "no API token with id '\(id)'")
        case .credentialNotFound(let id):
            self.init(.notFound, detail: "no agent credential with id '\(id)'")
        }
    }

    init(provisioningError error: ProvisioningError) {
        switch error {
        case .invalidRequest(let field, let message):
            self.init(.badRequest, detail: "\(field) \(message)", errors: [.init(pointer: "/\(field)", message: message)])
        case .unidentifiedNode(let node):
            self.init(.conflict, detail: "node '\(node)' has no GS QKD 015 id to configure it by")
        case .inconsistent:
            self.init(.internalServerError, detail: "the controller failed to handle the request; see its log")
        case .unroutable(let error):
            if case .noPath(source: let source, destination: let destination, reason: let reason) = error {
                // The network cannot carry it now (capacity, links down, constraints): a conflict with its state.
                self.init(.conflict, title: "Cannot be met", detail: "no key path from '\(source)' to '\(destination)' meets the request: \(reason)")
            } else {
                self.init(pathError: error)
            }
        }
    }

    init(topologyError error: TopologyFileError) {
        let items = error.issues.map { Item(line: $0.line, message: "\($0.subject): \($0.message)") }
        let count = error.issues.count
        self.init(
            .unprocessableContent,
            detail: "\(error.file) was not imported (\(count) problem\(count == 1 ? "" : "s")): \(Problem.summary(of: items))",
            errors: items
        )
    }

    init(decodingError error: DecodingError) {
        func pointer(_ path: [any CodingKey]) -> String {
            "/" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
        }
        let item: Item
        switch error {
        case .keyNotFound(let key, let context):
            item = Item(pointer: pointer(context.codingPath + [key]), message: "is required")
        case .typeMismatch(let type, let context):
            item = Item(pointer: pointer(context.codingPath), message: "must be \(Self.jsonTypeName(type))")
        case .valueNotFound(let type, let context):
            item = Item(pointer: pointer(context.codingPath), message: "must be \(Self.jsonTypeName(type)), not null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                item = Item(
                    message: "the body is not valid JSON: \(context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription)"
                )
            } else {
                item = Item(pointer: pointer(context.codingPath), message: context.debugDescription)
            }
        @unknown default:
            item = Item(message: "the body could not be read")
        }
        self.init(.badRequest, detail: Problem.summary(of: [item]), errors: [item])
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Double.Type, is Int.Type: "a number"
        default: "an object"
        }
    }
}
