import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

/// The test server's connections: one request each by default, several with `keepAlive` (as the real
/// APIs the fakes stand for keep them), closed when the client or a cut-off answer says so.
@Suite struct TestHTTPServerKeepAliveTests {
    @Test func byDefaultEveryAnswerClosesItsConnection() async throws {
        let server = try TestHTTPServer { request in .text("page \(request.path)") }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        for page in ["/a", "/b", "/c"] {
            let reply = try await client.send(HTTPRequest(.get, server.url(page)))
            #expect(reply.text == "page \(page)" && reply.headers["connection"] == "close")
        }
        #expect(server.connectionsAccepted == 3)
    }

    @Test func keepAliveServesOneRequestAfterAnotherOnOneConnection() async throws {
        let server = try TestHTTPServer(keepAlive: true) { request in
            .text("\(request.method) \(request.path) \(request.bodyLength)")
        }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        let body = Data(repeating: 1, count: 5000)
        let first = try await client.send(HTTPRequest(.get, server.url("/a")))
        let second = try await client.send(HTTPRequest(.put, server.url("/b"), body: .bytes(body, contentType: nil)))
        let third = try await client.send(HTTPRequest(.delete, server.url("/c")))
        #expect([first.text, second.text, third.text] == ["GET /a 0", "PUT /b 5000", "DELETE /c 0"])
        #expect(first.headers["connection"] == nil)
        #expect(server.connectionsAccepted == 1 && server.requests.count == 3)
    }

    @Test func aClientAskingToCloseGetsItsConnectionClosed() async throws {
        let server = try TestHTTPServer(keepAlive: true) { _ in .text("ok") }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        var headers = HTTPHeaders()
        headers.set("Connection", "close")
        let closing = try await client.send(HTTPRequest(.get, server.url("/a"), headers: headers))
        #expect(closing.headers["connection"] == "close")
        _ = try await client.send(HTTPRequest(.get, server.url("/b")))
        _ = try await client.send(HTTPRequest(.get, server.url("/c")))
        #expect(server.connectionsAccepted == 2 && server.requests.count == 3)
    }

    @Test func aCutOffAnswerClosesTheConnectionAndTheNextRequestGetsANewOne() async throws {
        let payload = Data(repeating: 9, count: 40_000)
        let served = Locked(0)
        let server = try TestHTTPServer(keepAlive: true) { request in
            var response = TestHTTPResponse(status: 200, body: .bytes(payload))
            if request.path == "/cut" && served.withLock({ count in count += 1; return count }) == 1 {
                response.dropAfterBytes = 1000
            }
            return response
        }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        _ = try await client.send(HTTPRequest(.get, server.url("/whole")))
        await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(.get, server.url("/cut")))
        }
        let again = try await client.send(HTTPRequest(.get, server.url("/cut")))
        #expect(again.body == payload)
        #expect(server.connectionsAccepted == 2 && server.requests.count == 3)
    }

    @Test func stopEndsIdleKeptConnections() async throws {
        let server = try TestHTTPServer(keepAlive: true) { _ in .text("ok") }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        _ = try await client.send(HTTPRequest(.get, server.url("/a")))
        let started = ContinuousClock.now
        server.stop()
        // Waiting on the idle connection's thread would take the stop's whole 5 s.
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
