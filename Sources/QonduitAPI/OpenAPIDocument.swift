import Foundation
import QonduitCore

/// The OpenAPI 3.1 description of the northbound API, served at `GET /openapi.json`.
/// A test checks that its paths and methods are exactly the router's routes.
enum OpenAPIDocument {
    /// The document served: the written part below, with each `/api/v1` operation's security
    /// requirement, required role and 401/403 answers added from `AccessPolicy`, the table the
    /// access control enforces, so that the two cannot disagree.
    static let json: String = {
        guard var document = try? JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any],
              var paths = document["paths"] as? [String: [String: Any]]
        else { preconditionFailure("the written OpenAPI document is not JSON") }
        for (path, item) in paths where path.hasPrefix("/api/v1") {
            var item = item
            for (method, value) in item {
                guard var operation = value as? [String: Any], ["get", "post", "put", "patch", "delete"].contains(method) else { continue }
                let role = AccessPolicy.requiredRole(method: method, route: path)
                operation["security"] = [["bearerAuth": [String]()]]
                operation["x-required-role"] = role.rawValue
                if let fields = AccessPolicy.requiredFieldRoles["\(method.uppercased()) \(path)"] {
                    // Every body field but the listed ones needs the higher role.
                    operation["x-required-role-for-fields"] = ["role": fields.role.rawValue, "except": fields.except.sorted()] as [String: Any]
                    operation["description"] = [operation["description"] as? String,
                        "Fields other than \(fields.except.sorted().joined(separator: ", ")) need the \(fields.role.rawValue) role."]
                        .compactMap { $0 }.joined(separator: " ")
                }
                var responses = operation["responses"] as? [String: Any] ?? [:]
                responses["401"] = ["$ref": "#/components/responses/Unauthorized"]
                if role > .viewer { responses["403"] = ["$ref": "#/components/responses/Forbidden"] }
                operation["responses"] = responses
                operation["description"] = [operation["description"] as? String, "Requires the \(role.rawValue) role (or higher)."]
                    .compactMap { $0 }.joined(separator: " ")
                item[method] = operation
            }
            paths[path] = item
        }
        document["paths"] = paths
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            preconditionFailure("the OpenAPI document does not serialise")
        }
        return String(decoding: data, as: UTF8.self)
    }()

    private static let written = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Qonduit northbound API",
        "version": "1.0.0",
        "description": "Inventory of a QKD network (nodes, links), topology import/export, path computation, key-path provisioning and node agents. Errors are RFC 9457 problem+json. Every /api/v1 operation needs an API token (Authorization: Bearer TOKEN; 401 without a valid one) whose role allows it (403 otherwise): viewer reads; operator also provisions and changes key paths, sets links up or down (PATCH status only) and imports topologies; admin also manages tokens, agents' credentials, nodes and links, deletes them, and reads the audit log. Each operation's x-required-role says which. The first start of the controller writes an admin token beside its database, in a file named after it (qonduit-admin.token for qonduit.sqlite). Any /api/v1 operation may answer 503 (problem+json, with Retry-After) while the controller is at its bound on requests in flight (serve --max-concurrent-requests), and GET /api/v1/events while the most event streams are open (serve --max-event-streams)."
      },
      "paths": {
        "/healthz": {
          "get": {
            "operationId": "health",
            "summary": "Liveness check",
            "responses": {
              "200": {"description": "The controller is serving.", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"const": "ok"}}, "required": ["status"]}}}}
            }
          }
        },
        "/openapi.json": {
          "get": {
            "operationId": "openapi",
            "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3.1 document.", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        },
        "/api/v1/nodes": {
          "get": {
            "operationId": "listNodes",
            "summary": "List nodes, ordered by id",
            "parameters": [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
            "responses": {
              "200": {"description": "A page of nodes.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodeList"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}
            }
          },
          "post": {
            "operationId": "createNode",
            "summary": "Create a node",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodeCreate"}}}},
            "responses": {
              "201": {"description": "Created.", "headers": {"Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          }
        },
        "/api/v1/nodes/{id}": {
          "parameters": [{"$ref": "#/components/parameters/id"}],
          "get": {
            "operationId": "getNode",
            "summary": "Read a node",
            "responses": {
              "200": {"description": "The node.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          },
          "patch": {
            "operationId": "updateNode",
            "summary": "Change a node's fields; null clears an optional field. A status change re-routes the key paths through the node before the answer",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodePatch"}}}},
            "responses": {
              "200": {"description": "The changed node.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          },
          "delete": {
            "operationId": "deleteNode",
            "summary": "Delete a node; refused while it has links unless cascade=true",
            "parameters": [{"name": "cascade", "in": "query", "required": false, "schema": {"type": "boolean", "default": false}, "description": "Also delete the node's links."}],
            "responses": {
              "204": {"description": "Deleted."},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Conflict"}
            }
          }
        },
        "/api/v1/links": {
          "get": {
            "operationId": "listLinks",
            "summary": "List links, ordered by id",
            "parameters": [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
            "responses": {
              "200": {"description": "A page of links.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LinkList"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}
            }
          },
          "post": {
            "operationId": "createLink",
            "summary": "Create a link between two existing nodes",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LinkCreate"}}}},
            "responses": {
              "201": {"description": "Created.", "headers": {"Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Link"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          }
        },
        "/api/v1/links/{id}": {
          "parameters": [{"$ref": "#/components/parameters/id"}],
          "get": {
            "operationId": "getLink",
            "summary": "Read a link",
            "responses": {
              "200": {"description": "The link.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Link"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          },
          "patch": {
            "operationId": "updateLink",
            "summary": "Change a link's fields; null clears qber. A change of status or QBER re-routes the key paths it affects before the answer",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LinkPatch"}}}},
            "responses": {
              "200": {"description": "The changed link.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Link"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          },
          "delete": {
            "operationId": "deleteLink",
            "summary": "Delete a link; refused while key paths have rate reserved on it",
            "responses": {
              "204": {"description": "Deleted."},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Conflict"}
            }
          }
        },
        "/api/v1/topology": {
          "get": {
            "operationId": "getTopology",
            "summary": "Every node and link",
            "responses": {
              "200": {"description": "The whole inventory.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Topology"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}
            }
          }
        },
        "/api/v1/topology/import": {
          "post": {
            "operationId": "importTopology",
            "summary": "Import a topology XML file, all or nothing",
            "parameters": [
              {"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["auto", "qonduit", "graphml", "sndlib"], "default": "auto"}, "description": "File format; auto detects it from the root element."},
              {"name": "mode", "in": "query", "required": false, "schema": {"type": "string", "enum": ["merge", "replace"], "default": "merge"}, "description": "merge keeps what the file does not mention; replace removes it."},
              {"name": "filename", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Name used for the file in error messages."},
              {"name": "fiber_loss_db_per_km", "in": "query", "required": false, "schema": {"type": "number", "exclusiveMinimum": 0, "default": 0.2}, "description": "Fiber-link model: attenuation."},
              {"name": "reference_rate_bps", "in": "query", "required": false, "schema": {"type": "number", "exclusiveMinimum": 0, "default": 1000000}, "description": "Fiber-link model: key rate of a zero-length link."},
              {"name": "max_loss_db", "in": "query", "required": false, "schema": {"type": "number", "exclusiveMinimum": 0, "default": 30}, "description": "Fiber-link model: loss budget; longer links import with rate 0, status down."}
            ],
            "requestBody": {"required": true, "content": {
              "application/yang-data+xml": {"schema": {"type": "string"}},
              "application/graphml+xml": {"schema": {"type": "string"}},
              "application/xml": {"schema": {"type": "string"}}
            }},
            "responses": {
              "200": {"description": "What the import changed.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportSummary"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          }
        },
        "/api/v1/paths/compute": {
          "post": {
            "operationId": "computePaths",
            "summary": "Compute key-relay paths (a dry run: nothing is reserved)",
            "description": "Every intermediate node of a path is a trusted node; every link is up and has at least rate_bps of spare key rate. objective shortest returns up to k loopless paths in order of the metric (through include_nodes in order, if given), or with disjoint node|link the k paths (2 by default) sharing no relay node or no link with the smallest total metric; widest returns the path with the largest bottleneck spare rate, ties broken by the metric; max_flow returns the most key rate the two nodes can share over all relay paths at once, split into paths (rate_bps of each), largest first.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PathRequest"}}}},
            "responses": {
              "200": {"description": "The paths found.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PathResult"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"description": "No path meets the constraints; detail names the constraint that ruled out the last candidates.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          }
        },
        "/api/v1/key-paths": {
          "get": {
            "operationId": "listKeyPaths",
            "summary": "List key paths, oldest first",
            "parameters": [
              {"name": "state", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/KeyPathState"}},
              {"name": "node", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/Identifier"}, "description": "Paths that start, end or relay at this node."},
              {"name": "link", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/Identifier"}, "description": "Paths with rate reserved on this link."},
              {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}
            ],
            "responses": {
              "200": {"description": "A page of key paths.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KeyPathList"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}
            }
          },
          "post": {
            "operationId": "provisionKeyPath",
            "summary": "Provision a key path: reserve the rate on every link of its routes (exact under concurrency), configure every node through its agent, then activate it",
            "description": "201 with state active when every node confirmed its configuration, or state failed with the node and reason (the reservation is released and the nodes that took their part give it back). 409 when no route has the rate to spare or meets the constraints, saying which.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KeyPathCreate"}}}},
            "responses": {
              "201": {"description": "Provisioned (active) or tried and failed (failed, with the reason).", "headers": {"Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KeyPath"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          }
        },
        "/api/v1/key-paths/reoptimize": {
          "post": {
            "operationId": "reoptimizeKeyPaths",
            "summary": "Move active key paths to routes better by their own metric, as the network now stands (after links recover)",
            "description": "Each path with a strictly better route (fewer hops, or less fibre for metric length; summed over its routes) is re-routed, made before break, all in one batch; the others stay as they are. Without a body every active path is looked at.",
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReoptimizeRequest"}}}},
            "responses": {
              "200": {"description": "What was looked at and moved.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reoptimization"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/TooLarge"}
            }
          }
        },
        "/api/v1/key-paths/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The key path's id (a UUID)."}],
          "get": {
            "operationId": "getKeyPath",
            "summary": "Read a key path",
            "responses": {
              "200": {"description": "The key path.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KeyPath"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          },
          "delete": {
            "operationId": "deleteKeyPath",
            "summary": "Delete a key path: release its reservation and remove its configuration from every node",
            "responses": {
              "204": {"description": "Deleted."},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          }
        },
        "/api/v1/events": {
          "get": {
            "operationId": "followEvents",
            "summary": "Follow the event log as Server-Sent Events: node and link status, agents' alarms, key-path changes and re-routes",
            "description": "Each event is sent as `id: N`, `event: KIND` and `data: {JSON}` (the Event schema), N increasing in commit order. Without Last-Event-ID or after the stream starts with the next event; with one it resumes after that id, first sending a `gap` event ({\"requested_after\":N,\"resumed_after\":M}) when the log no longer keeps some of the events asked for (see serve --event-retention). A comment line is sent every 15 s when nothing happens. The stream ends when the controller shuts down.",
            "parameters": [
              {"name": "Last-Event-ID", "in": "header", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}, "description": "Resume after this event id (what EventSource sends when it reconnects)."},
              {"name": "after", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}, "description": "Resume after this event id (0: every event still kept); not together with Last-Event-ID."},
              {"name": "kind", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Comma-separated kinds to send; a kind also matches those under it (key_path matches key_path.state). Known: node, node.status, link, link.status, agent, agent.alarm, agent.event, key_path, key_path.created, key_path.state, key_path.rerouted, key_path.deleted."}
            ],
            "responses": {
              "200": {"description": "The event stream.", "content": {"text/event-stream": {"schema": {"type": "string"}, "x-event-data": {"$ref": "#/components/schemas/Event"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}
            }
          }
        },
        "/api/v1/agents": {
          "get": {
            "operationId": "listAgents",
            "summary": "Node agents that registered on the southbound, with their state and key pools, ordered by node id",
            "description": "An agent is unreachable once it has missed the configured number of heartbeats; its node then has status unreachable until the agent reports again.",
            "parameters": [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
            "responses": {
              "200": {"description": "A page of agents.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AgentList"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}
            }
          }
        },
        "/api/v1/nodes/{id}/etsi": {
          "parameters": [{"$ref": "#/components/parameters/id"}],
          "get": {
            "operationId": "getNodeETSITree",
            "summary": "The node's GS QKD 015 qkd_node tree, as its agent last reported it",
            "responses": {
              "200": {"description": "An etsi-qkd-sdn-node qkd_node document.", "content": {"application/yang-data+xml": {"schema": {"type": "string"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          }
        },
        "/api/v1/topology/export": {
          "get": {
            "operationId": "exportTopology",
            "summary": "Export the inventory as XML",
            "parameters": [{"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["qonduit", "graphml"], "default": "qonduit"}}],
            "responses": {
              "200": {"description": "The topology file.", "content": {
                "application/yang-data+xml": {"schema": {"type": "string"}},
                "application/graphml+xml": {"schema": {"type": "string"}}
              }},
              "400": {"$ref": "#/components/responses/BadRequest"}
            }
          }
        },
        "/api/v1/tokens": {
          "get": {
            "operationId": "listTokens",
            "summary": "Operators' API tokens, newest first: ids, roles and dates, never the secrets",
            "responses": {
              "200": {"description": "Every token, revoked and expired ones included.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenList"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}
            }
          },
          "post": {
            "operationId": "createToken",
            "summary": "Create an API token; the answer is the only time its secret is shown",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenCreate"}}}},
            "responses": {
              "201": {"description": "Created; `token` holds the secret.", "headers": {"Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Token"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          }
        },
        "/api/v1/tokens/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
          "delete": {
            "operationId": "revokeToken",
            "summary": "Revoke a token for good (revoking a revoked token changes nothing)",
            "responses": {
              "204": {"description": "Revoked."},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          }
        },
        "/api/v1/agents/credentials": {
          "get": {
            "operationId": "listAgentCredentials",
            "summary": "Node agents' credentials, newest first, never the secrets",
            "parameters": [{"name": "node", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/Identifier"}, "description": "Only this node's."}],
            "responses": {
              "200": {"description": "The credentials.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CredentialList"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          },
          "post": {
            "operationId": "issueAgentCredential",
            "summary": "Issue a credential for a node's agent, bound to the node's GS QKD 015 id; the answer is the only time its secret is shown",
            "description": "The agent sends it as Authorization: Bearer CREDENTIAL on /southbound/v1 and may register and report only for that node. The controller authenticates itself to the agent with a proof derived from the node's newest credential. Give node (an inventory node) or qkdn_id (a node an agent will onboard).",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CredentialIssue"}}}},
            "responses": {
              "201": {"description": "Issued; `credential` holds the secret.", "headers": {"Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credential"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/TooLarge"},
              "422": {"$ref": "#/components/responses/Unprocessable"}
            }
          }
        },
        "/api/v1/agents/credentials/{id}": {
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
          "delete": {
            "operationId": "revokeAgentCredential",
            "summary": "Revoke an agent's credential: its holder is refused from then on",
            "responses": {
              "204": {"description": "Revoked."},
              "400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          }
        },
        "/api/v1/audit": {
          "get": {
            "operationId": "readAuditLog",
            "summary": "The audit log, newest first: every change through the API or by an agent's registration, and every refused request",
            "parameters": [
              {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"},
              {"name": "actor", "in": "query", "required": false, "schema": {"type": "string"}, "description": "token:ID, agent:CREDENTIAL-ID or anonymous."},
              {"name": "outcome", "in": "query", "required": false, "schema": {"type": "string", "enum": ["success", "refused", "failed"]}},
              {"name": "action", "in": "query", "required": false, "schema": {"type": "string"}, "description": "Entries whose action starts with this, such as POST or 'DELETE /api/v1/key-paths'."},
              {"name": "since", "in": "query", "required": false, "schema": {"type": "string", "format": "date-time"}},
              {"name": "until", "in": "query", "required": false, "schema": {"type": "string", "format": "date-time"}}
            ],
            "responses": {
              "200": {"description": "A page of entries.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AuditList"}}}},
              "400": {"$ref": "#/components/responses/BadRequest"}
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bearerAuth": {"type": "http", "scheme": "bearer", "description": "An API token (qdt_ and 64 hexadecimal digits), created with POST /api/v1/tokens or qonduit tokens create."}
        },
        "parameters": {
          "id": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Identifier"}},
          "limit": {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}},
          "offset": {"name": "offset", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0, "maximum": 9223372036854775807, "default": 0}}
        },
        "responses": {
          "BadRequest": {"description": "The request is malformed.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "NotFound": {"description": "No such resource.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "Conflict": {"description": "Conflicts with the inventory's state.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "TooLarge": {"description": "The body is over the size limit.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "Unprocessable": {"description": "Well-formed but invalid.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "Unauthorized": {"description": "No valid API token: missing, unknown, expired or revoked.", "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "Forbidden": {"description": "The token's role may not do this.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        },
        "schemas": {
          "Identifier": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_.:-]+$"},
          "Status": {"type": "string", "enum": ["up", "down", "unknown"]},
          "NodeStatus": {"type": "string", "enum": ["up", "down", "unknown", "unreachable"], "description": "unreachable: the node's agent stopped sending heartbeats."},
          "UUID": {"type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", "description": "A GS QKD 015 identity (yang:uuid); stored and shown in lower case."},
          "Node": {
            "type": "object",
            "required": ["id", "name", "trusted", "latitude", "longitude", "site", "status", "qkdn_id", "created_at", "updated_at"],
            "properties": {
              "id": {"$ref": "#/components/schemas/Identifier"},
              "name": {"type": "string"},
              "trusted": {"type": "boolean", "description": "May relay keys."},
              "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
              "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
              "site": {"type": ["string", "null"]},
              "status": {"$ref": "#/components/schemas/NodeStatus"},
              "qkdn_id": {"$ref": "#/components/schemas/UUID"},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"}
            }
          },
          "NodeCreate": {
            "type": "object",
            "additionalProperties": false,
            "required": ["id"],
            "properties": {
              "id": {"$ref": "#/components/schemas/Identifier"},
              "name": {"type": ["string", "null"], "minLength": 1, "maxLength": 256, "description": "Defaults to the id."},
              "trusted": {"type": ["boolean", "null"], "default": true},
              "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
              "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
              "site": {"type": ["string", "null"], "minLength": 1, "maxLength": 256},
              "status": {"anyOf": [{"$ref": "#/components/schemas/NodeStatus"}, {"type": "null"}]},
              "qkdn_id": {"anyOf": [{"$ref": "#/components/schemas/UUID"}, {"type": "null"}], "description": "The node's GS QKD 015 identity; assigned when absent."}
            }
          },
          "NodePatch": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "name": {"type": "string", "minLength": 1, "maxLength": 256},
              "trusted": {"type": "boolean"},
              "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
              "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
              "site": {"type": ["string", "null"], "minLength": 1, "maxLength": 256},
              "status": {"$ref": "#/components/schemas/NodeStatus"},
              "qkdn_id": {"$ref": "#/components/schemas/UUID", "description": "To match the node to its device's identity before its agent registers."}
            }
          },
          "Link": {
            "type": "object",
            "required": ["id", "node_a", "node_b", "length_km", "key_rate_bps", "nominal_key_rate_bps", "measured_key_rate_bps", "reserved_bps",
              "status", "admin_status", "measured_status", "qber", "nominal_qber", "measured_qber", "cost", "qkdl_id", "created_at", "updated_at"],
            "properties": {
              "id": {"$ref": "#/components/schemas/Identifier"},
              "node_a": {"$ref": "#/components/schemas/Identifier"},
              "node_b": {"$ref": "#/components/schemas/Identifier"},
              "length_km": {"type": "number", "minimum": 0},
              "key_rate_bps": {"type": "number", "minimum": 0, "description": "Secret key rate in force, bit/s: what path computation and admission use. The measured rate once an agent reported one (the key the nodes really have), the nominal rate until then."},
              "nominal_key_rate_bps": {"type": "number", "minimum": 0, "description": "The planner's key rate, bit/s: what a topology file or key_rate_bps in POST or PATCH sets."},
              "measured_key_rate_bps": {"type": ["number", "null"], "minimum": 0, "description": "The lower of the rates the agents at the two ends last reported, bit/s; null before any report."},
              "reserved_bps": {"type": "number", "minimum": 0, "description": "Key rate reserved by provisioned key paths, bit/s."},
              "status": {"allOf": [{"$ref": "#/components/schemas/Status"}], "description": "Status in force: down when the operator set it down; otherwise the worse of the two ends' reported status, or admin_status before any report. Only up links carry key."},
              "admin_status": {"allOf": [{"$ref": "#/components/schemas/Status"}], "description": "What the operator (PATCH status) or the topology file set."},
              "measured_status": {"anyOf": [{"$ref": "#/components/schemas/Status"}, {"type": "null"}], "description": "The worse status the two ends' agents last reported; null before any report."},
              "qber": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "QBER in force: the measured one once reported, else the nominal one."},
              "nominal_qber": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
              "measured_qber": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "The higher QBER the two ends' agents last reported."},
              "cost": {"type": "number", "minimum": 0, "description": "The operator's cost of the link, for metric cost (1 unless set)."},
              "qkdl_id": {"$ref": "#/components/schemas/UUID"},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"}
            }
          },
          "LinkCreate": {
            "type": "object",
            "additionalProperties": false,
            "required": ["id", "node_a", "node_b", "length_km", "key_rate_bps"],
            "properties": {
              "id": {"$ref": "#/components/schemas/Identifier"},
              "node_a": {"$ref": "#/components/schemas/Identifier"},
              "node_b": {"$ref": "#/components/schemas/Identifier"},
              "length_km": {"type": "number", "minimum": 0, "maximum": 40075},
              "key_rate_bps": {"type": "number", "minimum": 0, "maximum": 1000000000000},
              "status": {"anyOf": [{"$ref": "#/components/schemas/Status"}, {"type": "null"}]},
              "qber": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
              "cost": {"type": ["number", "null"], "minimum": 0, "maximum": 1000000000000, "default": 1},
              "qkdl_id": {"anyOf": [{"$ref": "#/components/schemas/UUID"}, {"type": "null"}], "description": "The link's GS QKD 015 identity; assigned when absent."}
            }
          },
          "LinkPatch": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "node_a": {"$ref": "#/components/schemas/Identifier"},
              "node_b": {"$ref": "#/components/schemas/Identifier"},
              "length_km": {"type": "number", "minimum": 0, "maximum": 40075},
              "key_rate_bps": {"type": "number", "minimum": 0, "maximum": 1000000000000},
              "status": {"$ref": "#/components/schemas/Status"},
              "qber": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
              "cost": {"type": "number", "minimum": 0, "maximum": 1000000000000},
              "qkdl_id": {"$ref": "#/components/schemas/UUID"}
            }
          },
          "PathRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": ["source", "destination"],
            "properties": {
              "source": {"$ref": "#/components/schemas/Identifier"},
              "destination": {"$ref": "#/components/schemas/Identifier"},
              "rate_bps": {"type": ["number", "null"], "minimum": 0, "description": "Spare key rate every link must have, bit/s."},
              "metric": {"type": ["string", "null"], "enum": ["hops", "length", "rate", "cost", null], "default": "hops"},
              "max_hops": {"type": ["integer", "null"], "minimum": 1, "maximum": 1000},
              "exclude_nodes": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/Identifier"}},
              "exclude_links": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/Identifier"}},
              "include_nodes": {"type": ["array", "null"], "maxItems": 8, "items": {"$ref": "#/components/schemas/Identifier"}, "description": "Trusted relays the path must pass through, in this order (shortest and widest objectives)."},
              "k": {"type": ["integer", "null"], "minimum": 1, "maximum": 16, "description": "How many paths: 1 by default, 2 with disjoint; other objectives take 1 only."},
              "disjoint": {"type": ["string", "null"], "enum": ["none", "node", "link", null], "default": "none", "description": "node: the paths share no relay node (nor link); link: no link. Not with max_hops."},
              "objective": {"type": ["string", "null"], "enum": ["shortest", "widest", "max_flow", null], "default": "shortest", "description": "max_flow takes no max_hops, k, disjoint or include_nodes."}
            }
          },
          "PathResult": {
            "type": "object",
            "required": ["paths", "total_rate_bps"],
            "properties": {
              "paths": {"type": "array", "items": {
                "type": "object",
                "required": ["nodes", "links", "hops", "length_km", "cost", "bottleneck_bps", "rate_bps"],
                "properties": {
                  "nodes": {"type": "array", "items": {"$ref": "#/components/schemas/Identifier"}},
                  "links": {"type": "array", "items": {"$ref": "#/components/schemas/Identifier"}},
                  "hops": {"type": "integer", "minimum": 1},
                  "length_km": {"type": "number", "minimum": 0},
                  "cost": {"type": "number", "minimum": 0},
                  "bottleneck_bps": {"type": "number", "minimum": 0, "description": "The smallest spare key rate along the path."},
                  "rate_bps": {"type": "number", "minimum": 0, "description": "The rate this answer assigns the path: its share of the flow for max_flow, otherwise its bottleneck."}
                }
              }},
              "total_rate_bps": {"type": "number", "minimum": 0, "description": "shortest without disjoint: the best bottleneck (alternatives are not used together); disjoint: the sum of the bottlenecks; widest: the bottleneck; max_flow: the maximum flow."}
            }
          },
          "Agent": {
            "type": "object",
            "required": ["node_id", "qkdn_id", "kind", "restconf_url", "state", "heartbeat_interval_ms", "registered_at", "last_heartbeat_at", "reconciled_at", "drift", "reconcile_error", "credential_id", "credential_rotation_pending", "key_pools"],
            "properties": {
              "node_id": {"$ref": "#/components/schemas/Identifier"},
              "qkdn_id": {"$ref": "#/components/schemas/UUID"},
              "kind": {"type": "string", "enum": ["registered"], "description": "registered: the agent registered itself on the southbound."},
              "restconf_url": {"type": "string", "description": "The agent's RESTCONF root."},
              "state": {"type": "string", "enum": ["reachable", "unreachable"]},
              "heartbeat_interval_ms": {"type": "integer", "minimum": 1},
              "registered_at": {"type": "string", "format": "date-time"},
              "last_heartbeat_at": {"type": "string", "format": "date-time", "description": "When the agent last sent anything."},
              "reconciled_at": {"type": ["string", "null"], "format": "date-time", "description": "The reconciler's last pass over the agent."},
              "drift": {"type": "integer", "minimum": 0, "description": "Entries that pass had to put or delete to make the agent match the inventory."},
              "reconcile_error": {"type": ["string", "null"], "description": "Why the last pass failed, if it did (retried with backoff)."},
              "credential_id": {"type": ["string", "null"], "description": "The credential the agent last used; the controller proves itself to the agent with it while it is valid."},
              "credential_rotation_pending": {"type": "boolean", "description": "The node has a newer credential than the one its agent uses: the agent keeps working on the old one until it uses the new one or the old one is revoked."},
              "key_pools": {"type": "array", "items": {
                "type": "object",
                "required": ["link_id", "bits", "reported_at"],
                "properties": {
                  "link_id": {"$ref": "#/components/schemas/Identifier"},
                  "bits": {"type": "integer", "minimum": 0},
                  "reported_at": {"type": "string", "format": "date-time"}
                }
              }}
            }
          },
          "AgentList": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Agent"}}, "total": {"type": "integer", "minimum": 0}}},
          "NodeList": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}, "total": {"type": "integer", "minimum": 0}}},
          "KeyPathState": {"type": "string", "enum": ["pending", "active", "failed", "degraded"]},
          "ReoptimizeRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": {"key_paths": {"type": ["array", "null"], "items": {"type": "string", "format": "uuid"}, "description": "Only these key paths (each must exist); null or absent: every active path."}}
          },
          "Reoptimization": {
            "type": "object",
            "required": ["examined", "moved", "failed"],
            "properties": {
              "examined": {"type": "integer", "minimum": 0, "description": "Active key paths looked at."},
              "moved": {"type": "array", "items": {"$ref": "#/components/schemas/KeyPath"}, "description": "Paths now active on better routes."},
              "failed": {"type": "array", "items": {"$ref": "#/components/schemas/KeyPath"}, "description": "Paths a node refused the better routes of: back on their old routes (still active), or failed with the node and reason when the old routes' rate was taken meanwhile."}
            }
          },
          "Event": {
            "type": "object",
            "required": ["id", "time", "kind", "subject", "data"],
            "properties": {
              "id": {"type": "integer", "minimum": 1},
              "time": {"type": "string", "format": "date-time"},
              "kind": {"type": "string", "enum": ["node.status", "link.status", "agent.alarm", "agent.event", "key_path.created", "key_path.state", "key_path.rerouted", "key_path.deleted"]},
              "subject": {"type": "string", "description": "The node, link or key path the event is about."},
              "data": {"type": "object", "description": "node.status and link.status: node or link, from, to. agent.alarm and agent.event: node, about (link, interface or application), id, status, message, severity. key_path.created: key_path, state, source, destination, rate_bps. key_path.state: key_path, from, to, reason. key_path.rerouted: key_path, reason, from and to (each a list of routes, a route being its node ids). key_path.deleted: key_path, state."}
            }
          },
          "KeyPathCreate": {
            "type": "object",
            "additionalProperties": false,
            "required": ["source", "destination", "rate_bps"],
            "properties": {
              "source": {"$ref": "#/components/schemas/Identifier"},
              "destination": {"$ref": "#/components/schemas/Identifier"},
              "rate_bps": {"type": "number", "exclusiveMinimum": 0, "maximum": 4294967295, "description": "End-to-end secret key rate, bit/s."},
              "metric": {"type": ["string", "null"], "enum": ["hops", "length", "rate", "cost", null], "default": "hops", "description": "What the routes minimise: hops, length (km), rate (prefer links with more spare key rate) or cost (the links' operator cost). Re-optimisation ranks routes by the same metric."},
              "max_hops": {"type": ["integer", "null"], "minimum": 1, "maximum": 1000, "description": "Only with protection none."},
              "exclude_nodes": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/Identifier"}},
              "exclude_links": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/Identifier"}},
              "protection": {"type": ["string", "null"], "enum": ["none", "disjoint_backup", "multipath", null], "default": "none", "description": "disjoint_backup reserves a node-disjoint backup route with the full rate; multipath splits the rate over `paths` node-disjoint routes."},
              "paths": {"type": ["integer", "null"], "minimum": 2, "maximum": 16, "description": "Routes to split the rate over; multipath only (default 2)."},
              "application": {
                "type": ["object", "null"],
                "additionalProperties": false,
                "description": "The applications at the two ends, configured there as GS QKD 015 qkd_app entries backed by the path's virtual links.",
                "properties": {
                  "client_app_id": {"type": ["string", "null"], "minLength": 1, "maxLength": 256},
                  "server_app_id": {"type": ["string", "null"], "minLength": 1, "maxLength": 256}
                }
              }
            }
          },
          "KeyPathRoute": {
            "type": "object",
            "required": ["role", "nodes", "links", "rate_bps", "qkdl_id"],
            "properties": {
              "role": {"type": "string", "enum": ["primary", "backup"]},
              "nodes": {"type": "array", "items": {"$ref": "#/components/schemas/Identifier"}},
              "links": {"type": "array", "items": {"$ref": "#/components/schemas/Identifier"}},
              "rate_bps": {"type": "number", "description": "Reserved on every link of the route, bit/s."},
              "qkdl_id": {"$ref": "#/components/schemas/UUID"}
            }
          },
          "KeyPath": {
            "type": "object",
            "required": ["id", "state", "reason", "source", "destination", "rate_bps", "metric", "max_hops", "exclude_nodes", "exclude_links", "protection", "paths", "application", "routes", "reserved_bps", "created_at", "updated_at"],
            "properties": {
              "id": {"$ref": "#/components/schemas/UUID"},
              "state": {"$ref": "#/components/schemas/KeyPathState"},
              "reason": {"type": ["string", "null"], "description": "Why the path failed: the node or link and what went wrong."},
              "source": {"$ref": "#/components/schemas/Identifier"},
              "destination": {"$ref": "#/components/schemas/Identifier"},
              "rate_bps": {"type": "number"},
              "metric": {"type": "string"},
              "max_hops": {"type": ["integer", "null"]},
              "exclude_nodes": {"type": "array", "items": {"$ref": "#/components/schemas/Identifier"}},
              "exclude_links": {"type": "array", "items": {"$ref": "#/components/schemas/Identifier"}},
              "protection": {"type": "string", "enum": ["none", "disjoint_backup", "multipath"]},
              "paths": {"type": "integer"},
              "application": {
                "type": ["object", "null"],
                "required": ["app_id", "client_app_id", "server_app_id"],
                "properties": {"app_id": {"$ref": "#/components/schemas/UUID"}, "client_app_id": {"type": ["string", "null"]}, "server_app_id": {"type": ["string", "null"]}}
              },
              "routes": {"type": "array", "items": {"$ref": "#/components/schemas/KeyPathRoute"}, "description": "Empty once failed: nothing is reserved."},
              "reserved_bps": {"type": "object", "additionalProperties": {"type": "number"}, "description": "Rate reserved on each link, bit/s."},
              "created_at": {"type": "string", "format": "date-time"},
              "updated_at": {"type": "string", "format": "date-time"}
            }
          },
          "KeyPathList": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/KeyPath"}}, "total": {"type": "integer", "minimum": 0}}},
          "LinkList": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}, "total": {"type": "integer", "minimum": 0}}},
          "Topology": {"type": "object", "required": ["nodes", "links"], "properties": {"nodes": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}, "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}}},
          "ImportCounts": {"type": "object", "required": ["created", "updated", "unchanged", "removed"], "properties": {"created": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"}, "removed": {"type": "integer"}}},
          "ImportSummary": {
            "type": "object",
            "required": ["format", "mode", "nodes", "links", "warnings"],
            "properties": {
              "format": {"type": "string", "enum": ["qonduit", "graphml", "sndlib"]},
              "mode": {"type": "string", "enum": ["merge", "replace"]},
              "nodes": {"$ref": "#/components/schemas/ImportCounts"},
              "links": {"$ref": "#/components/schemas/ImportCounts"},
              "warnings": {"type": "array", "items": {"type": "object", "required": ["subject", "message"], "properties": {"line": {"type": "integer"}, "subject": {"type": "string"}, "message": {"type": "string"}}}}
            }
          },
          "Role": {"type": "string", "enum": ["viewer", "operator", "admin"]},
          "TokenCreate": {
            "type": "object", "additionalProperties": false, "required": ["role"],
            "properties": {
              "role": {"$ref": "#/components/schemas/Role"},
              "description": {"type": ["string", "null"], "minLength": 1, "maxLength": 256},
              "expires_at": {"type": ["string", "null"], "format": "date-time", "description": "Must be in the future; null or absent: never."}
            }
          },
          "Token": {
            "type": "object",
            "required": ["id", "role", "description", "created_at", "created_by", "expires_at", "revoked_at"],
            "properties": {
              "id": {"type": "string"},
              "role": {"$ref": "#/components/schemas/Role"},
              "description": {"type": ["string", "null"]},
              "created_at": {"type": "string", "format": "date-time"},
              "created_by": {"type": ["string", "null"], "description": "token:ID of the creator, or controller for the first admin token."},
              "expires_at": {"type": ["string", "null"], "format": "date-time"},
              "revoked_at": {"type": ["string", "null"], "format": "date-time"},
              "token": {"type": "string", "description": "The secret: only in the answer to its creation."}
            }
          },
          "TokenList": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}}, "total": {"type": "integer", "minimum": 0}}},
          "CredentialIssue": {
            "type": "object", "additionalProperties": false,
            "properties": {"node": {"anyOf": [{"$ref": "#/components/schemas/Identifier"}, {"type": "null"}]}, "qkdn_id": {"anyOf": [{"$ref": "#/components/schemas/UUID"}, {"type": "null"}]}},
            "description": "Exactly one of node and qkdn_id (null is as absent)."
          },
          "Credential": {
            "type": "object",
            "required": ["id", "qkdn_id", "node", "created_at", "created_by", "revoked_at"],
            "properties": {
              "id": {"type": "string"},
              "qkdn_id": {"$ref": "#/components/schemas/UUID"},
              "node": {"type": ["string", "null"], "description": "The inventory node with that id, if there is one yet."},
              "created_at": {"type": "string", "format": "date-time"},
              "created_by": {"type": ["string", "null"]},
              "revoked_at": {"type": ["string", "null"], "format": "date-time"},
              "credential": {"type": "string", "description": "The secret: only in the answer to its issue."}
            }
          },
          "CredentialList": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Credential"}}, "total": {"type": "integer", "minimum": 0}}},
          "AuditEntry": {
            "type": "object",
            "required": ["id", "time", "actor", "role", "action", "target", "status", "outcome", "detail"],
            "properties": {
              "id": {"type": "integer"},
              "time": {"type": "string", "format": "date-time"},
              "actor": {"type": "string", "description": "token:ID, agent:CREDENTIAL-ID or anonymous."},
              "role": {"type": ["string", "null"], "description": "The token's role, or agent."},
              "action": {"type": "string", "description": "Method and route, such as POST /api/v1/key-paths."},
              "target": {"type": "string", "description": "The path requested."},
              "status": {"type": "integer"},
              "outcome": {"type": "string", "enum": ["success", "refused", "failed"]},
              "detail": {"type": ["string", "null"], "description": "Why it failed, or the agent's node."}
            }
          },
          "AuditList": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}}, "total": {"type": "integer", "minimum": 0}}},
          "Problem": {
            "type": "object",
            "required": ["type", "title", "status", "detail"],
            "properties": {
              "type": {"type": "string"},
              "title": {"type": "string"},
              "status": {"type": "integer"},
              "detail": {"type": "string"},
              "instance": {"type": "string"},
              "errors": {"type": "array", "items": {"type": "object", "required": ["message"], "properties": {"pointer": {"type": "string"}, "line": {"type": "integer"}, "message": {"type": "string"}}}}
            }
          }
        }
      }
    }
    """#
}
