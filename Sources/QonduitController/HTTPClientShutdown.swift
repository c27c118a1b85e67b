import AsyncHTTPClient
import ServiceLifecycle

/// Shuts down an HTTP client the application made once the application stops: the application owns
/// it, and a client dropped without `shutdown()` traps in a debug build. Added before the services
/// that use the client, so that it is shut down after them.
struct HTTPClientShutdown: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
