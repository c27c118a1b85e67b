import ArgumentParser
import Foundation

/// A time given on the command line: a duration (90m, 12h, 30d) counted from now (ahead for an
/// expiry, back for a search), a date (2027-01-31: the start of that day, UTC, or its end), or an
/// ISO 8601 time as given. One reading for every option that takes a time.
enum TimeArgument {
    enum Direction { case ahead, ago }

    /// The time `text` means, as ISO 8601; a `ValidationError` naming `flag` when it is none of the three.
    static func parse(_ text: String, flag: String, now: Date, direction: Direction, dateMeansEndOfDay: Bool) throws -> String {
        let units: [Character: Double] = ["m": 60, "h": 3_600, "d": 86_400]
        if let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count > 0, count.isFinite {
            return now.addingTimeInterval((direction == .ahead ? 1 : -1) * count * unit).formatted(.iso8601)
        }
        let day = "\(text)T\(dateMeansEndOfDay ? "23:59:59" : "00:00:00")Z"
        if text.count == 10, (try? Date.ISO8601FormatStyle().parse(day)) != nil { return day }
        guard (try? Date.ISO8601FormatStyle().parse(text)) != nil else {
            throw ValidationError(
                "\(flag) must be a duration such as 90m, 12h or 30d (\(direction == .ahead ? "from now" : "ago")), a date such as 2027-01-31 "
                    + "(\(dateMeansEndOfDay ? "the end" : "the start") of that day, UTC), or an ISO 8601 time such as 2027-01-31T12:00:00Z; got '\(text)'"
            )
        }
        return text
    }
}
