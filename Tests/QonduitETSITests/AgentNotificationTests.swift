import Foundation
import QonduitCore
import QonduitETSI
import QonduitTestSupport
import Testing

@Suite struct AgentNotificationTests {
    static let link = ETSIUUID("b0000000-0000-4000-8000-0000000000a1")!
    static let app = ETSIUUID("a0000000-0000-4000-8000-00000000000a")!
    static let events: [AgentEvent] = [
        .heartbeat(node: ETSIUUID("6f1c2a1e-0000-4000-8000-000000000001")!),
        .nodeStatus(.failure),
        .keyPool(link: link, levelBits: 9_000_000_000),
        .linkDown(link: link, reason: "loss of signal"),
        .linkPerformance(link: link, .init(secretKeyRateBps: 11_800, physical: [.init(type: .qber, value: ETSIDecimal(thousandths: 35))])),
        .linkOverloaded(link: link, .init(expectedConsumptionBps: 20_000, secretKeyRateBps: 12_000)),
        .alarm(.init(link: .init(id: link, status: .off, message: "QBER over threshold", severity: .major))),
        .event(.init(interface: .init(id: 1, status: .enabled), application: .init(id: app, status: .on, severity: .minor))),
        .interfaceNew(ETSIInterface(id: 3, model: "CV-1", type: .continuousVariable, roleSupport: .receiver)),
        .interfaceDown(interface: 3, reason: "laser failure"),
        .interfaceOut(interface: 3),
        .applicationNew(
            ETSIApplication(
                id: .zero, type: .client, serverAppID: "urn:s", clientAppIDs: ["urn:c"], priority: 1,
                qos: .init(maxBandwidthBps: 100), localNodeID: ETSIUUID("6f1c2a1e-0000-4000-8000-000000000001")!)),
        .applicationQoSUpdate(application: app, qos: .init(minBandwidthBps: 50, clientsSharedKeysRequired: true), priority: 2),
        .applicationDisconnected(application: app),
    ]

    @Test(arguments: events)
    func everyNotificationValidatesAndRoundTrips(_ event: AgentEvent) async throws {
        let notification = AgentNotification(eventTime: "2026-11-25T12:00:00.25Z", event: event)
        let xml = notification.encoded()
        #expect(try await YANGValidator.etsiProblems(xml, kind: .netconfNotification).isEmpty, "\(xml)")
        #expect(try AgentNotification.decode(Array(xml.utf8)) == notification)
    }

    /// RFC 8040 §6.4 in JSON: the envelope `ietf-restconf:notification` around the module-qualified
    /// notification, whose body validates with yanglint (which reads a notification without envelope).
    @Test(arguments: events)
    func everyNotificationRoundTripsInJSON(_ event: AgentEvent) async throws {
        let notification = AgentNotification(eventTime: "2026-11-25T12:00:00.25Z", event: event)
        let json = notification.encoded(.json)
        #expect(try AgentNotification.decode(Array(json.utf8), encoding: .json) == notification, "\(json)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String: Any]])
        let envelope = try #require(object["ietf-restconf:notification"])
        #expect(envelope["eventTime"] as? String == "2026-11-25T12:00:00.25Z")
        let body = envelope.filter { $0.key != "eventTime" }
        #expect(body.count == 1 && body.keys.first?.contains(":") == true, "the notification is module-qualified: \(json)")
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let problems = try await YANGValidator.etsiProblems(text, kind: .notif)
        #expect(problems.isEmpty, "\(problems)\n\(text)")
    }

    @Test func jsonNotificationsAsDevicesSendThem() throws {
        let lenient = #"{"notification": {"eventTime": "2026-11-25T12:00:00Z", "sdqkdn_link_down": {"qkd_link": {"qkdl_id": "\#(Self.link.text)"}}}}"#
        #expect(try AgentNotification.decode(Array(lenient.utf8), encoding: .json).event == .linkDown(link: Self.link, reason: nil))
        for bad in [
            #"{"ietf-restconf:notification": {"eventTime": 5}}"#, "[]", "data: x",
            #"{"ietf-restconf:notification": {"eventTime": "t", "sdqkdn_nonsense": {}}}"#,
        ] {
            #expect(throws: ETSIDecodingError.self, "\(bad)") { try AgentNotification.decode(Array(bad.utf8), encoding: .json) }
        }
    }

    @Test func aBatchCarriesManyNotificationsAndDecodesWholeOrNotAtAll() throws {
        let notifications = Self.events.map { AgentNotification(eventTime: "2026-11-25T12:00:00Z", event: $0) }
        #expect(try AgentNotification.decodeBatch(Array(AgentNotification.encodedBatch(notifications).utf8)) == notifications)
        #expect(try AgentNotification.decodeBatch(Array(notifications[0].encoded().utf8)) == [notifications[0]], "a single one too")
        let broken =
            "<notifications xmlns='urn:qonduit:params:xml:ns:yang:qonduit-qkd-agent'>"
            + envelope(
                "<node-status xmlns='urn:qonduit:params:xml:ns:yang:qonduit-qkd-agent'><qkdn_status xmlns:t='urn:etsi:qkd:yang:etsi-qkd-node-types'>t:OPERATING</qkdn_status></node-status>"
            )
            + envelope("<node-status xmlns='urn:qonduit:params:xml:ns:yang:qonduit-qkd-agent'/>") + "</notifications>"
        do {
            let decoded = try AgentNotification.decodeBatch(Array(broken.utf8))
            Issue.record("decoded \(decoded)")
        } catch {
            #expect(error.description.contains("/notifications/notification[2]/qonduit-qkd-agent:node-status/qkdn_status: is mandatory"), "\(error)")
        }
        #expect(throws: ETSIDecodingError.self) {
            try AgentNotification.decodeBatch(Array("<notifications xmlns='urn:qonduit:params:xml:ns:yang:qonduit-qkd-agent'/>".utf8))
        }
    }

    @Test(arguments: [
        (
            "<notification xmlns='urn:ietf:params:xml:ns:netconf:notification:1.0'><eventTime>2026-11-25T12:00:00Z</eventTime></notification>",
            "must hold exactly one notification"
        ),
        (
            "<notification xmlns='urn:ietf:params:xml:ns:netconf:notification:1.0'><heartbeat xmlns='urn:qonduit:params:xml:ns:yang:qonduit-qkd-agent'><qkdn_id>6f1c2a1e-0000-4000-8000-000000000001</qkdn_id></heartbeat></notification>",
            "/notification/eventTime: is mandatory"
        ),
        (
            envelope("<sdqkdn_link_exploded xmlns='urn:etsi:qkd:yang:etsi-qkd-node'/>"),
            "/etsi-qkd-sdn-node:sdqkdn_link_exploded: is not a notification"
        ),
        (
            envelope(
                "<key-pool xmlns='urn:qonduit:params:xml:ns:yang:qonduit-qkd-agent'><qkdl_id>b0000000-0000-4000-8000-0000000000a1</qkdl_id><level-bits>-5</level-bits></key-pool>"
            ),
            "/qonduit-qkd-agent:key-pool/level-bits: '-5' is not a uint64"
        ),
        (envelope("<node-status xmlns='urn:qonduit:params:xml:ns:yang:qonduit-qkd-agent'/>"), "qkdn_status: is mandatory"),
        (
            envelope("<sdqkdn_link_down xmlns='urn:etsi:qkd:yang:etsi-qkd-node'><qkd_link><qkdl_id>zz</qkdl_id></qkd_link></sdqkdn_link_down>"),
            "line 1: /etsi-qkd-sdn-node:sdqkdn_link_down/qkd_link/qkdl_id: 'zz' is not a UUID"
        ),
        ("<qkd_node xmlns='urn:etsi:qkd:yang:etsi-qkd-node'/>", "not notification in urn:ietf:params:xml:ns:netconf:notification:1.0"),
    ])
    func badNotificationsAreRefusedWithThePath(_ xml: String, _ expected: String) {
        do {
            let notification = try AgentNotification.decode(Array(xml.utf8))
            Issue.record("decoded \(notification)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }
}

func envelope(_ body: String) -> String {
    "<notification xmlns='urn:ietf:params:xml:ns:netconf:notification:1.0'><eventTime>2026-11-25T12:00:00Z</eventTime>\(body)</notification>"
}
