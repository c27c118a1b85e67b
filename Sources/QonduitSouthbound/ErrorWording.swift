import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Short sentences for what goes wrong talking to a device or a controller: one mapping for the
/// southbound's `poll_error`/`reconcile_error`/key-path reasons and for the CLI, so that no library's
/// type names, errno dumps or HTML pages reach an operator.
public enum ErrorWording {
    /// Why a connection to `url` gave no answer.
    public static func connectionFailure(_ error: any Error, url: String) -> String {
        let text = String(describing: error)
        let plainHTTP = url.lowercased().hasPrefix("http://")
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED { return "nothing listens on \(authority(url))" }
        if text.contains("Connection refused") || text.contains("errno: 111") { return "nothing listens on \(authority(url))" }
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") || text.contains("unable to get local issuer") {
            return "TLS handshake failed: the server's certificate is not trusted (give --tls-ca PEM, the CA that signed it)"
        }
        if error is NIOSSLError || text.contains("handshakeFailed") || text.contains("BoringSSL") {
            return "TLS handshake failed (check --tls-ca, and --tls-cert/--tls-key if the server asks for a client certificate)"
        }
        if let client = error as? HTTPClientError {
            if client == .remoteConnectionClosed {
                return "the server at \(authority(url)) closed the connection without an HTTP answer"
                    + (plainHTTP ? " (http:// to an HTTPS port?)" : "")
            }
            if [.connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout, .tlsHandshakeTimeout].contains(client) {
                return "no answer from \(authority(url)) in time"
            }
            if client == .cancelled { return "the request was cancelled" }
        }
        if text.contains("Connection reset") || text.contains("connection reset") {
            return "the connection to \(authority(url)) was reset" + (plainHTTP ? " (http:// to an HTTPS port?)" : "")
        }
        if text.contains("Name or service not known") || text.contains("nodename nor servname") || text.contains("dnsAError") {
            return "cannot resolve the host of \(url)"
        }
        return oneLine(text)
    }

    /// A body a server answered with, as one bounded line: an HTML page's `<title>` (or its first
    /// line of text), else the first non-empty line.
    public static func oneLine(_ body: String, limit: Int = 200) -> String {
        let lowered = body.lowercased()
        var text = body
        if lowered.contains("<html") || lowered.contains("<!doctype") || lowered.contains("<title") {
            if let start = lowered.range(of: "<title"), let open = lowered[start.upperBound...].firstIndex(of: ">"),
                let end = lowered[open...].range(of: "</title>")
            {
                text = String(body[body.index(after: open)..<end.lowerBound])
            } else {
                text = stripTags(body)
            }
        }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.first { !$0.isEmpty } ?? ""
        let collapsed = line.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return collapsed.count > limit ? String(collapsed.prefix(limit - 1)) + "…" : collapsed
    }

    /// `host:port` of a URL, for sentences.
    static func authority(_ url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        return String(rest.prefix { $0 != "/" })
    }

    private static func stripTags(_ html: String) -> String {
        var out = ""
        var inTag = false
        for character in html {
            switch character {
            case "<":
                inTag = true
                out.append("\n")
            case ">":
                inTag = false
            default:
                if !inTag { out.append(character) }
            }
        }
        return out
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
