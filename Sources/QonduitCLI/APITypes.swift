import Foundation
import QonduitAPITypes

// The API's answers as the CLI reads them: types generated from the OpenAPI document (the one
// source of the wire schema), under the names the commands use.
typealias APINode = Components.Schemas.Node
typealias APILink = Components.Schemas.Link
typealias APITopology = Components.Schemas.Topology
typealias APIKeyPath = Components.Schemas.KeyPath
typealias APIKeyPathPlan = Components.Schemas.KeyPathPlan
typealias APIPathResult = Components.Schemas.PathResult
typealias APIAgent = Components.Schemas.Agent
typealias APICredential = Components.Schemas.Credential
typealias APIToken = Components.Schemas.Token
typealias APIAuditEntry = Components.Schemas.AuditEntry
typealias APIController = Components.Schemas.Controller
typealias APIProblem = Components.Schemas.Problem

/// The API's times: RFC 3339 in UTC with milliseconds, as the controller writes them.
enum APITime {
    static func text(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an RFC 3339 time")
            }
            return date
        }
        return decoder
    }()
}
