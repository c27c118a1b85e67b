import QonduitXML

/// Reads typed leaf values out of elements, recording a located issue for each bad one.
struct FieldReader {
    var issues: [TopologyIssue] = []

    mutating func number(_ element: XMLElement, subject: String, field: String) -> Double? {
        let text = element.trimmedText
        if let value = DecimalText.parse(text) { return value }
        issues.append(
            TopologyIssue(
                line: element.line, subject: subject, message: "\(field) '\(text)' is not a finite number"
            ))
        return nil
    }

    mutating func boolean(_ element: XMLElement, subject: String, field: String) -> Bool? {
        switch element.trimmedText.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default:
            issues.append(
                TopologyIssue(
                    line: element.line, subject: subject,
                    message: "\(field) '\(element.trimmedText)' is not a boolean (true or false)"
                ))
            return nil
        }
    }

    mutating func text(_ element: XMLElement, subject: String, field: String) -> String? {
        let text = element.trimmedText
        if text.isEmpty {
            issues.append(TopologyIssue(line: element.line, subject: subject, message: "\(field) is empty"))
            return nil
        }
        return text
    }

    mutating func report(_ element: XMLElement, subject: String, _ message: String) {
        issues.append(TopologyIssue(line: element.line, subject: subject, message: message))
    }
}
