/// A failure of the store itself, whichever concern it serves: never the caller's fault.
public enum StorageError: Error, Sendable, Equatable {
    /// A stored row does not read back: the data was changed outside the controller. What is
    /// wrong is for the log, not for a client.
    case corrupt(String)
}
