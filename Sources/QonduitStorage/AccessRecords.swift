import Foundation
public import QonduitCore

/// An operator's API token as the inventory keeps it: never the secret, which is shown once, at creation.
public struct APIToken: Sendable, Equatable {
    public var id: String
    public var role: Role
    public var description: String?
    /// Times are UTC, ISO 8601 with milliseconds.
    public var createdAt: String
    /// Who created it: `token:ID`, or `controller` for the first admin token.
    public var createdBy: String?
    public var expiresAt: String?
    public var revokedAt: String?

    /// How the audit log and records name the token's holder.
    public var actor: String { "token:\(id)" }

    public init(
        id: String, role: Role, description: String? = nil, createdAt: String, createdBy: String? = nil, expiresAt: String? = nil,
        revokedAt: String? = nil
    ) {
        self.id = id
        self.role = role
        self.description = description
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// A node agent's credential as the inventory keeps it (the secret is shown once, at issue).
public struct AgentCredentialInfo: Sendable, Equatable {
    public var id: String
    /// The node identity the credential is bound to: its holder may register and report for this node only.
    public var qkdnID: QKDUUID
    /// The inventory node with that identity, if there is one yet.
    public var node: String?
    public var createdAt: String
    public var createdBy: String?
    public var revokedAt: String?

    /// How the audit log names the credential's holder.
    public var actor: String { "agent:\(id)" }

    public init(id: String, qkdnID: QKDUUID, node: String? = nil, createdAt: String, createdBy: String? = nil, revokedAt: String? = nil) {
        self.id = id
        self.qkdnID = qkdnID
        self.node = node
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
    }
}

/// One entry of the audit log: who did what, when, and how it ended.
public struct AuditEntry: Sendable, Equatable {
    public enum Outcome: String, Sendable, CaseIterable {
        /// Done (2xx).
        case success
        /// Not allowed: no valid token or credential, or a role or node that may not (401, 403).
        case refused
        /// Allowed but not done: bad input, a conflict, a failure (other 4xx, 5xx).
        case failed

        public init(status: Int) {
            switch status {
            case 200..<400: self = .success
            case 401, 403: self = .refused
            default: self = .failed
            }
        }
    }

    public var id: Int64
    public var time: String
    /// `token:ID`, `agent:CREDENTIAL-ID`, or `anonymous` for a request without a valid secret.
    public var actor: String
    public var role: String?
    /// Method and route, such as `POST /api/v1/key-paths/{id}`.
    public var action: String
    /// The path the request named.
    public var target: String
    public var status: Int
    public var outcome: Outcome
    public var detail: String?

    /// What a request adds to the log; the inventory numbers and times it.
    public init(actor: String, role: String?, action: String, target: String, status: Int, detail: String? = nil) {
        self.init(
            id: 0, time: "", actor: actor, role: role, action: action, target: target, status: status,
            outcome: Outcome(status: status), detail: detail)
    }

    public init(id: Int64, time: String, actor: String, role: String?, action: String, target: String, status: Int, outcome: Outcome, detail: String?)
    {
        self.id = id
        self.time = time
        self.actor = actor
        self.role = role
        self.action = action
        self.target = target
        self.status = status
        self.outcome = outcome
        self.detail = detail
    }
}

/// Which audit entries to list.
public struct AuditFilter: Sendable {
    public var actor: String?
    public var outcome: AuditEntry.Outcome?
    /// Entries whose action starts with this (a method, or a method and a route prefix).
    public var actionPrefix: String?
    /// Entries logged at or after this time (ISO 8601 text, compared as text).
    public var since: String?
    public var until: String?

    public init(actor: String? = nil, outcome: AuditEntry.Outcome? = nil, actionPrefix: String? = nil, since: String? = nil, until: String? = nil) {
        self.actor = actor
        self.outcome = outcome
        self.actionPrefix = actionPrefix
        self.since = since
        self.until = until
    }
}

/// A console session: what an API token signed in as, held by a browser in a cookie.
public struct APISession: Sendable, Equatable {
    /// The token it signed in with: its role is the session's.
    public var token: APIToken
    public var createdAt: String
    /// The earlier of the session's own lifetime and its token's expiry.
    public var expiresAt: String

    public init(token: APIToken, createdAt: String, expiresAt: String) {
        self.token = token
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
