import Foundation

/// A plain text table with columns padded to their widest cell.
struct Table {
    var header: [String]
    var rows: [[String]]

    var rendered: String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}

enum Format {
    static func number(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// A route's nodes, as every command prints them.
    static func route(_ nodes: [String]) -> String {
        nodes.joined(separator: " > ")
    }
}

/// `--json`: the controller's JSON, laid out the same way by every command.
func printJSON(_ value: JSONValue) {
    print(value.rendered())
}

/// `--json` of a list: each item as the controller wrote it.
func printJSON<Value>(_ items: [Answered<Value>]) {
    printJSON(.array(items.map(\.json)))
}

/// Writes a line to stdout at once: `print` buffers 4 KiB when stdout is a pipe or a file, and a
/// follower (`qonduit events | jq`) would see nothing until then.
func printNow(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
