import FoundationEssentials

/// A JSON document's values as read, before any schema is applied. Numbers keep their text, so that
/// 64-bit values and decimals lose nothing; objects keep their members in name order.
enum JSONValue: Decodable {
    case object([(name: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    private struct MemberName: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: MemberName.self) {
            self = .object(
                try object.allKeys.sorted { $0.stringValue < $1.stringValue }.map { key in
                    (key.stringValue, try object.decode(JSONValue.self, forKey: key))
                })
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !array.isAtEnd { values.append(try array.decode(JSONValue.self)) }
            self = .array(values)
            return
        }
        let value = try decoder.singleValueContainer()
        if value.decodeNil() {
            self = .null
        } else if let bool = try? value.decode(Bool.self) {
            self = .bool(bool)
        } else if let string = try? value.decode(String.self) {
            self = .string(string)
        } else if let integer = try? value.decode(Int64.self) {
            self = .number(String(integer))
        } else if let integer = try? value.decode(UInt64.self) {
            self = .number(String(integer))
        } else {
            self = .number(try value.decode(Decimal.self).description)
        }
    }

    /// Parses a whole document with Foundation's JSON parser; the message names where it broke.
    static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch let DecodingError.dataCorrupted(context) {
            throw JSONSyntaxError(message: "not well-formed JSON: \(context.debugDescription)")
        } catch {
            throw JSONSyntaxError(message: "not well-formed JSON: \(error)")
        }
    }
}

struct JSONSyntaxError: Error {
    var message: String
}
