import Hummingbird

/// A request's query parameters, checked against what the endpoint accepts.
struct QueryParameters {
    private var values: [String: String] = [:]

    /// Refuses unknown and repeated parameters: `?mdoe=replace` must not silently mean merge.
    init(_ request: Request, allowed: [String]) throws(Problem) {
        var items: [Problem.Item] = []
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            if !allowed.contains(name) {
                let accepted = allowed.isEmpty ? "none" : allowed.joined(separator: ", ")
                items.append(.init(pointer: "?\(name)", message: "unknown query parameter; accepted: \(accepted)"))
            } else if values[name] != nil {
                items.append(.init(pointer: "?\(name)", message: "given more than once"))
            } else {
                values[name] = String(value)
            }
        }
        if !items.isEmpty { throw Problem(.badRequest, detail: Problem.summary(of: items), errors: items) }
    }

    func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(Problem) -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw Self.problem(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return value
    }

    func double(_ name: String, default defaultValue: Double) throws(Problem) -> Double {
        guard let text = values[name] else { return defaultValue }
        guard let value = Double(text), value.isFinite, value > 0 else {
            throw Self.problem(name, "must be a positive number, got '\(text)'")
        }
        return value
    }

    func bool(_ name: String, default defaultValue: Bool) throws(Problem) -> Bool {
        switch values[name] {
        case nil: return defaultValue
        case "true": return true
        case "false": return false
        case let text?: throw Self.problem(name, "must be true or false, got '\(text)'")
        }
    }

    func choice<Value: RawRepresentable & CaseIterable>(_ name: String, default defaultValue: Value) throws(Problem) -> Value
    where Value.RawValue == String {
        guard let text = values[name] else { return defaultValue }
        guard let value = Value(rawValue: text) else {
            throw Self.problem(name, "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return value
    }

    func string(_ name: String) -> String? { values[name] }

    private static func problem(_ name: String, _ message: String) -> Problem {
        Problem(.badRequest, detail: "?\(name) \(message)", errors: [.init(pointer: "?\(name)", message: message)])
    }
}
