import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

/// The test server's fault hooks that fake providers build on: an upload cut off mid-body, and a
/// request handled but never answered.
@Suite struct TestHTTPServerFaultTests {
    @Test func bodyCutoffDropsTheUploadHalfWay() async throws {
        let handled = Locked(0)
        let server = try TestHTTPServer(
            bodyCutoff: { method, _, headers in
                guard method == "PUT" else { return nil }
                let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
                return length / 2
            },
            handler: { _ in
                handled.withLock { $0 += 1 }
                return .text("stored")
            })
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        let payload = Data(repeating: 7, count: 256 * 1024)
        await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(.put, server.url("/upload"), body: .bytes(payload, contentType: nil)))
        }
        #expect(handled.current == 0 && server.requests.isEmpty)
        let reply = try await client.send(HTTPRequest(.post, server.url("/upload"), body: .bytes(payload, contentType: nil)))
        #expect(reply.text == "stored" && handled.current == 1)
    }

    @Test func hangUpHandlesButNeverAnswers() async throws {
        let handled = Locked(0)
        let server = try TestHTTPServer { _ in
            handled.withLock { $0 += 1 }
            return .hangUp
        }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(.post, server.url("/generate")))
        }
        #expect(handled.current == 1 && server.requests.count == 1)
    }
}
