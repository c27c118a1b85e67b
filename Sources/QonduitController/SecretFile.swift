import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Files holding secrets (tokens, credentials): created with mode 0600, so that no moment exists
/// when another user could read them.
public enum SecretFile {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// With `exclusive`, a file already at `path` is never overwritten: the write fails instead.
    public static func write(_ text: String, to path: String, exclusive: Bool = false) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC) | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        // An existing file keeps its mode through O_CREAT: narrow it before writing.
        guard fchmod(descriptor, 0o600) == 0 else { throw Failure(description: String(cString: strerror(errno))) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard result > 0 else { throw Failure(description: String(cString: strerror(errno))) }
            written += result
        }
    }
}
