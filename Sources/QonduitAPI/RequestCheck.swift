import Hummingbird
import QonduitCore

/// Collects every problem in a request before refusing it, so a client can fix them all at once.
struct RequestCheck {
    var items: [Problem.Item] = []

    mutating func identifier<Kind>(_ text: String, as: Identifier<Kind>.Type, pointer: String) -> Identifier<Kind>? {
        do { return try Identifier<Kind>(text) } catch {
            items.append(.init(pointer: pointer, message: "'\(text)' is not a valid id: \(error.problem)"))
            return nil
        }
    }

    /// A GS QKD 015 identity (`yang:uuid`).
    mutating func uuid(_ text: String?, pointer: String) -> QKDUUID? {
        guard let text else { return nil }
        if let uuid = QKDUUID(text) { return uuid }
        items.append(.init(pointer: pointer, message: "'\(text)' is not a UUID (8-4-4-4-12 hexadecimal digits)"))
        return nil
    }

    mutating func enumValue<Value: RawRepresentable & CaseIterable>(
        _ text: String?, as: Value.Type, pointer: String
    ) -> Value? where Value.RawValue == String {
        guard let text else { return nil }
        if let value = Value(rawValue: text) { return value }
        let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
        items.append(.init(pointer: pointer, message: "'\(text)' is not one of \(allowed)"))
        return nil
    }

    mutating func location(latitude: Double?, longitude: Double?) -> GeoCoordinate? {
        switch (latitude, longitude) {
        case (let latitude?, let longitude?): return GeoCoordinate(latitude: latitude, longitude: longitude)
        case (nil, nil): return nil
        default:
            items.append(.init(pointer: latitude == nil ? "/latitude" : "/longitude", message: "latitude and longitude must be given together"))
            return nil
        }
    }

    mutating func notNull<Value>(_ field: PatchField<Value>, pointer: String) {
        if case .null = field { items.append(.init(pointer: pointer, message: "may not be null")) }
    }

    func finish() throws(Problem) {
        guard !items.isEmpty else { return }
        throw Problem(.badRequest, detail: Problem.summary(of: items), errors: items)
    }
}

extension Problem {
    /// One sentence for `detail` from a list of problems.
    static func summary(of items: [Item]) -> String {
        let described = items.prefix(3).map { item in
            if let pointer = item.pointer { return "\(pointer): \(item.message)" }
            if let line = item.line { return "line \(line): \(item.message)" }
            return item.message
        }
        let more = items.count > 3 ? " (and \(items.count - 3) more)" : ""
        return described.joined(separator: "; ") + more
    }
}
