import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

/// How the client uses connections to a server that keeps them open, as the providers' APIs do.
@Suite struct HTTPClientConnectionTests {
    @Test func requestsToOneServerShareAConnection() async throws {
        let server = try TestHTTPServer(keepAlive: true) { request in .text(request.path) }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        for index in 0..<5 {
            let reply = try await client.send(HTTPRequest(.get, server.url("/jobs/\(index)")))
            #expect(reply.text == "/jobs/\(index)")
        }
        #expect(server.connectionsAccepted == 1)
    }

    /// libcurl sends a request again, by itself, when a connection it reused closes without an
    /// answer. A paid request the server carried out before the connection dropped would be paid
    /// twice; so a request that is not safe to repeat goes out on a connection of its own, where
    /// the drop reaches the caller (who looks the job up instead).
    @Test func aPostIsSentOnceWhenItsConnectionDropsWithoutAnAnswer() async throws {
        let generates = Locked(0)
        let server = try TestHTTPServer(keepAlive: true) { request in
            guard request.method == "POST" else { return .text("ok") }
            generates.withLock { $0 += 1 }
            return .hangUp
        }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        _ = try await client.send(HTTPRequest(.get, server.url("/dubs/d1")))
        await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(.post, server.url("/dubs/d1/generate")))
        }
        #expect(generates.current == 1)
        // Reads still share the connection kept from the first one.
        _ = try await client.send(HTTPRequest(.get, server.url("/dubs/d1")))
        #expect(server.connectionsAccepted == 2 && server.requests.count == 3)
    }

    @Test func aPostMarkedIdempotentMayShareAConnection() async throws {
        let server = try TestHTTPServer(keepAlive: true) { _ in .text("ok") }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        _ = try await client.send(HTTPRequest(.get, server.url("/voices")))
        _ = try await client.send(HTTPRequest(.post, server.url("/voices/search"), isIdempotent: true))
        #expect(server.connectionsAccepted == 1)
    }
}
