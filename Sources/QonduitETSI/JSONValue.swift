import Foundation

/// A JSON document's values as read, before any schema is applied. Numbers keep their text, so that
/// 64-bit values and decimals lose nothing; objects keep their members in name order.
enum JSONValue {
    case object([(name: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Parses a whole document with Foundation's JSON parser; the message names where it broke.
    static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw JSONSyntaxError(message: "not well-formed JSON: \(reason)")
        }
        return value(object)
    }

    /// Foundation's values as JSON values: a boolean is the NSNumber whose type is `char`.
    private static func value(_ object: Any) -> JSONValue {
        switch object {
        case let string as String: return .string(string)
        case let members as [String: Any]:
            return .object(members.sorted { $0.key < $1.key }.map { ($0.key, value($0.value)) })
        case let items as [Any]: return .array(items.map(value))
        case let number as NSNumber:
            return String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number.stringValue)
        default: return .null
        }
    }
}

struct JSONSyntaxError: Error {
    var message: String
}
