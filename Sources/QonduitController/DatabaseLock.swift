import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a lock file beside a database, held while one controller serves it: a
/// second controller on the same database would run its own repair and reconcile passes against the
/// first's. The kernel releases the lock when its holder dies, however it dies (SIGKILL included),
/// so a stale lock file never keeps a new controller out.
public final class DatabaseLock: Sendable {
    public let path: String
    private let descriptor: Int32

    /// The lock file of `database`: its path with `.lock` added.
    public static func path(forDatabase database: String) -> String { database + ".lock" }

    /// Takes the lock of `database` at once, or throws naming the process that holds it.
    public init(database: String) throws {
        path = Self.path(forDatabase: database)
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw ControllerStartupError("cannot open the lock file '\(path)' of the database '\(database)': \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let holder = Self.holder(descriptor)
            close(descriptor)
            guard reason == EWOULDBLOCK else {
                throw ControllerStartupError("cannot lock '\(path)' for the database '\(database)': \(String(cString: strerror(reason)))")
            }
            throw ControllerStartupError(
                "the database '\(database)' is in use by another qonduit serve\(holder.map { " (pid \($0))" } ?? "") "
                    + "that holds '\(path)'; stop it first, or serve another --db"
            )
        }
        // Who holds it, for the message a second controller gives.
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    private static func holder(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count - 1, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    deinit { close(descriptor) }
}
