/// One Server-Sent Event as the stream carried it.
struct ServerSentEvent: Equatable {
    var id: String?
    var event: String?
    var data: String
}

/// Splits a `text/event-stream` into events as its bytes arrive, by the HTML standard's rules:
/// lines end in LF, CRLF or CR; a blank line ends an event; `:` starts a comment; several `data`
/// lines join with LF; an event with no data is not dispatched.
struct ServerSentEventParser {
    private var line: [UInt8] = []
    private var pendingCR = false
    private var id: String?
    private var event: String?
    private var data: [String] = []
    /// The id of the latest event (what `Last-Event-ID` should say on reconnecting).
    private(set) var lastEventID: String?

    mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if pendingCR {
                pendingCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0A, 0x0D:
                pendingCR = byte == 0x0D
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            defer { (id, event, data) = (nil, nil, []) }
            if let id { lastEventID = id }
            guard !data.isEmpty else { return nil }
            return ServerSentEvent(id: id ?? lastEventID, event: event, data: data.joined(separator: "\n"))
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var valueStart = colon == line.endIndex ? colon : line.index(after: colon)
        if valueStart < line.endIndex && line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = String(decoding: line[valueStart...], as: UTF8.self)
        switch field {
        case "id" where !value.contains("\0"): id = value
        case "event": event = value
        case "data": data.append(value)
        default: break  // `retry` and unknown fields
        }
        return nil
    }
}
