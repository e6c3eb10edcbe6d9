import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite struct HTTPClientRetryTests {
    static let quick = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)

    @Test func honoursRetryAfterOn429ThenSucceeds() async throws {
        let calls = Locked(0)
        let server = try TestHTTPServer { _ in
            let call = calls.withLock { count -> Int in
                count += 1
                return count
            }
            if call == 1 {
                return TestHTTPResponse(status: 429, headers: [("Retry-After", "1")], body: .bytes(Data("slow down".utf8)))
            }
            return .json(Data(#"{"ok":true}"#.utf8))
        }
        let client = try HTTPClient(configuration: .init(retryPolicy: Self.quick))
        let started = Date()
        let response = try await client.send(HTTPRequest(.get, server.url("/voices")))
        let elapsed = Date().timeIntervalSince(started)
        #expect(response.status == 200)
        #expect(server.requests.count == 2)
        #expect(elapsed >= 1.0, "retried after \(elapsed) s, before Retry-After allowed")
    }

    @Test func gives5xxUpAfterMaxAttemptsWithRetriesExhausted() async throws {
        let server = try TestHTTPServer { _ in .text("upstream down", status: 503) }
        let client = try HTTPClient(configuration: .init(retryPolicy: Self.quick))
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.delete, server.url("/voices/v1")))
        }
        guard case .retriesExhausted(let method, _, let attempts, let last) = error else {
            Issue.record("expected retriesExhausted, got \(String(describing: error))")
            return
        }
        #expect(method == "DELETE")
        #expect(attempts == 3)
        #expect(last.statusCode == 503)
        #expect(server.requests.count == 3)
        let message = error?.localizedDescription ?? ""
        #expect(message.contains("3 attempts") && message.contains("503") && message.contains("/voices/v1"))
    }

    @Test func rateLimitedPostIsResentOnlyWhenThePolicySaysSo() async throws {
        let statuses = Locked([429, 200, 429, 500, 200])
        let server = try TestHTTPServer { _ in
            let status = statuses.withLock { $0.isEmpty ? 200 : $0.removeFirst() }
            return TestHTTPResponse(status: status, headers: [("Retry-After", "0")], body: .bytes(Data("{}".utf8)))
        }
        let writes = try HTTPClient(configuration: .init(retryPolicy: RetryPolicy(
            maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05, retriesRateLimitedWrites: true)))
        // A 429 did nothing at the server: resent, then answered.
        let response = try await writes.send(HTTPRequest(.post, server.url("/generate")))
        #expect(response.status == 200)
        #expect(server.requests.count == 2)
        // A 500 after a 429 may have done something: not resent, even by this policy.
        let error = await #expect(throws: HTTPError.self) {
            _ = try await writes.send(HTTPRequest(.post, server.url("/generate")))
        }
        #expect(error?.statusCode == 500)
        #expect(server.requests.count == 4)
    }

    @Test func postIsRetriedOnlyWhenMarkedIdempotent() async throws {
        let server = try TestHTTPServer { _ in .text("busy", status: 503) }
        let client = try HTTPClient(configuration: .init(retryPolicy: Self.quick))

        let plain = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.post, server.url("/dubs"), body: try .json(["a": 1])))
        }
        #expect(plain?.statusCode == 503)
        #expect(server.requests.count == 1)

        let marked = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.post, server.url("/dubs"), body: try .json(["a": 1]), isIdempotent: true))
        }
        guard case .retriesExhausted(_, _, 3, _) = marked else {
            Issue.record("expected three attempts, got \(String(describing: marked))")
            return
        }
        #expect(server.requests.count == 4)
    }
}
