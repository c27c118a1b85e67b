import HTTPTypes
import Hummingbird
import QonduitStorage

/// The console's session cookie, and the checks a change made with it must pass: a browser sends
/// cookies with any site's form, so a cookie alone proves nothing about who asked for a change.
enum SessionCookie {
    static let name = "qonduit_session"
    /// The header the console sends with every change. A cross-site form cannot set a header, and a
    /// cross-site script that tries needs a CORS preflight this controller never grants.
    static let csrfHeader = HTTPField.Name("X-Qonduit-CSRF")!

    /// The session cookie `request` carries, if any, and the session it names: nil when that session
    /// ended, expired or lost its token.
    static func presented(in request: Request, inventory: any Inventory) async throws -> (secret: String, session: APISession?)? {
        guard let secret = request.cookies[name]?.value else { return nil }
        return (secret, try await inventory.authenticateSession(secret))
    }

    static func set(_ secret: String, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: secret, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Tells the browser to drop the cookie.
    static func cleared(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Why `request`, carrying the session cookie, may not change anything; nil when it may: it
    /// carries the console's header, and what the browser says of its origin is this controller.
    static func crossSiteRefusal(_ request: Request, secure: Bool) -> String? {
        guard let header = request.headers[csrfHeader], !header.isEmpty else {
            return "a change made with the console's session needs the X-Qonduit-CSRF header"
        }
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin" {
            return "a change made with the console's session must come from the console's own origin (Sec-Fetch-Site: \(site))"
        }
        if let origin = request.headers[.origin] {
            let expected = (secure ? "https://" : "http://") + (request.head.authority ?? "")
            guard origin.lowercased() == expected.lowercased() else {
                return "a change made with the console's session must come from the console's own origin, not \(origin)"
            }
        }
        return nil
    }
}
