import AsyncHTTPClient
import NIOCore
import QonduitSouthbound
import Testing

/// What reaches an operator from a device's or a connection's failure: a short sentence, never an
/// HTML page, an errno dump or a library's type name.
@Suite struct ErrorWordingTests {
    @Test func anHTMLPageIsItsTitleAndOtherBodiesTheirFirstLineBounded() {
        let flask = """
            <!doctype html>
            <html lang=en>
            <title>405 Method Not Allowed</title>
            <h1>Method Not Allowed</h1>
            <p>The method is not allowed for the requested URL.</p>
            """
        #expect(ErrorWording.oneLine(flask) == "405 Method Not Allowed")
        #expect(ErrorWording.oneLine("<html><body><h1>Bad  gateway</h1><p>x</p></body></html>") == "Bad gateway")
        #expect(ErrorWording.oneLine("\n\n  first   line \nsecond") == "first line")
        let long = ErrorWording.oneLine(String(repeating: "x", count: 5_000))
        #expect(long.count == 200 && long.hasSuffix("…"))
    }

    @Test func aClosedPortIsToldAsNothingListening() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let url = "http://127.0.0.1:1/restconf"
        var wording = ""
        do {
            _ = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        } catch {
            wording = ErrorWording.connectionFailure(error, url: url)
        }
        try await client.shutdown()
        #expect(wording == "nothing listens on 127.0.0.1:1", "\(wording)")
    }
}
