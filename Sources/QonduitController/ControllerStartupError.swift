/// Why the controller cannot start: one sentence naming the file or setting and what to do.
public struct ControllerStartupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
