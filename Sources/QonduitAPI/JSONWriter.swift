import Foundation
import Hummingbird
import QonduitCore

/// Writes JSON straight into bytes. The topology and listing endpoints return tens of thousands of
/// objects, for which `JSONEncoder`'s reflection-driven encoding was most of the response time.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Inventories stamp many rows with the same time; each distinct date is formatted once.
    private var formattedDates: [Date: String] = [:]

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `"key":` — keys are the API's own snake_case literals and need no escaping.
    mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    mutating func string(_ value: String) {
        JSONStringLiteral.append(value, to: &bytes)
    }

    mutating func string(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    /// Finite numbers in their shortest round-tripping form; whole numbers without a fraction.
    mutating func number(_ value: Double) {
        precondition(value.isFinite, "the inventory stores finite numbers only")
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func number(_ value: Double?) {
        if let value { number(value) } else { raw("null") }
    }

    mutating func number(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    mutating func date(_ value: Date) {
        if let known = formattedDates[value] { return string(known) }
        let text = value.formatted(.iso8601)
        formattedDates[value] = text
        string(text)
    }

    mutating func array<Element>(_ elements: [Element], _ write: (inout JSONWriter, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    /// Text that is JSON already (the database checked it).
    mutating func json(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}

/// A value the API writes with `JSONWriter`.
protocol JSONWritable {
    func write(to writer: inout JSONWriter)
}

extension JSONCoding {
    static func response(writing value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter()
        value.write(to: &writer)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes))
        )
    }
}
