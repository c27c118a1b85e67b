import HTTPTypes
public import Hummingbird

/// The operator console: plain HTML, CSS and JavaScript modules compiled into the binary, served at
/// `/` with a policy that lets the page load nothing from elsewhere (the controller may have no
/// internet, and nothing else may inject script). The page signs in through `/api/v1/session`.
public enum OperatorConsole {
    static let files: [String: (type: String, bytes: [UInt8])] = [
        "console.css": ("text/css; charset=utf-8", PackageResources.console_css),
        "console.js": ("text/javascript; charset=utf-8", PackageResources.console_js),
        "map.js": ("text/javascript; charset=utf-8", PackageResources.map_js),
        "api.js": ("text/javascript; charset=utf-8", PackageResources.api_js),
        "dom.js": ("text/javascript; charset=utf-8", PackageResources.dom_js),
        "details.js": ("text/javascript; charset=utf-8", PackageResources.details_js),
        "events.js": ("text/javascript; charset=utf-8", PackageResources.events_js),
    ]

    public static func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/") { _, _ in response(type: "text/html; charset=utf-8", PackageResources.index_html) }
        router.get("/console/{file}") { _, context in
            guard let file = files[try context.parameters.require("file")] else {
                throw HTTPError(.notFound, message: "no such console file")
            }
            return response(type: file.type, file.bytes)
        }
    }

    private static func response(type: String, _ bytes: [UInt8]) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type,
                .contentSecurityPolicy:
                    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                    + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
                .cacheControl: "no-cache",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
