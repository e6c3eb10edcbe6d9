import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite("HTTPClient.exchange: one attempt, any status")
struct HTTPClientExchangeTests {
    @Test("an error status comes back with its headers and body, after one request")
    func errorStatusIsAnswered() async throws {
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse.text("Too many requests", status: 429)
            response.headers.append(("Retry-After", "7"))
            return response
        }
        let client = try HTTPClient()
        let answer = try await client.exchange(HTTPRequest(.post, server.url("/jobs"), body: .bytes(Data("x".utf8), contentType: nil)))
        #expect(answer.status == 429)
        #expect(answer.headers["Retry-After"] == "7")
        #expect(answer.text == "Too many requests")
        #expect(server.requests.count == 1, "never retried, whatever the client's policy")
    }

    @Test("no answer still throws, naming the host")
    func refusedConnectionThrows() async throws {
        let server = try TestHTTPServer { _ in .text("unused") }
        let url = server.url("/gone")
        server.stop()
        let client = try HTTPClient()
        let error = await #expect(throws: HTTPError.self) { _ = try await client.exchange(HTTPRequest(.get, url)) }
        guard case .connectionFailed(_, _, let host, _) = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
    }
}
