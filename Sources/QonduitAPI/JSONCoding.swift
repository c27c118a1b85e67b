import Foundation
import Hummingbird

/// The JSON conventions of the API: snake_case keys (spelt out in each type), ISO 8601 dates.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

/// A coding key for any name, to list the keys a client sent.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A request body field was not one the endpoint knows: refused, so that a typo is not silently ignored.
struct UnknownFieldError: Error {
    var field: String
    var allowed: [String]
}

extension Decoder {
    /// Throws `UnknownFieldError` when the JSON object has a key outside `allowed`.
    func rejectUnknownKeys(allowed: [String]) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            // The field's place in the body, so that a nested object's stray key is named where it is.
            let path = (codingPath + [key]).map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
            throw UnknownFieldError(field: path, allowed: allowed)
        }
    }
}

/// A PATCH field: absent (keep), null (clear) or a new value.
enum PatchField<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    var newValue: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}

extension KeyedDecodingContainer {
    func decodePatch<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> PatchField<Value> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(type, forKey: key))
    }
}
