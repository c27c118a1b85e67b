public import QonduitCore

/// Stored enumerations read back. A value the code does not know means the database was changed
/// outside the controller: it is an error naming the row and column, never a silent default.
public enum StoredValue {
    /// `text`, as stored in `column` of `row` (such as "key path '…'"), read as a `Value`.
    public static func decode<Value: RawRepresentable & CaseIterable>(
        _ text: String, column: String, of row: @autoclosure () -> String
    ) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text) else {
            let known = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw StorageError.corrupt("\(row()): \(column) '\(text)' is not one of \(known)")
        }
        return value
    }

    public static func uuid(_ text: String, column: String, of row: @autoclosure () -> String) throws -> QKDUUID {
        guard let uuid = QKDUUID(text) else { throw StorageError.corrupt("\(row()): \(column) '\(text)' is not a UUID") }
        return uuid
    }

    /// A JSON array of ids, as routes and exclusions are stored.
    public static func ids(_ json: String, column: String, of row: @autoclosure () -> String) throws -> [String] {
        guard let items = JSONText.strings(json) else { throw StorageError.corrupt("\(row()): \(column) '\(json)' is not a list of ids") }
        return items
    }
}
