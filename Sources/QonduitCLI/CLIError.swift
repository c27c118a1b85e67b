/// A failure the CLI reports as one clear message and a non-zero exit status.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }

    /// The controller ended a stream the client still wanted (it is shutting down, say).
    struct StreamEnded: Error {}
}
