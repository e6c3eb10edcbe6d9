import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite struct HTTPClientSizeLimitTests {
    static let payload = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 11) })

    /// A server whose first answer (`first`) breaks off after 10,000 bytes and that answers the Range
    /// request resuming it from `resumed`.
    static func resumingServer(first: Data, resumed: Data) throws -> TestHTTPServer {
        try TestHTTPServer { request in
            var response = TestHTTPResponse(body: .bytes(request.header("Range") == nil ? first : resumed))
            response.acceptsRanges = true
            if request.header("Range") == nil { response.dropAfterBytes = 10_000 }
            return response
        }
    }

    /// A client that tries 3 times, 10 ms apart.
    static func retryingClient() throws -> HTTPClient {
        try HTTPClient(configuration: .init(retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: 0.01)))
    }

    @Test func aBodyWithinTheLimitDownloadsWhole() async throws {
        let payload = Self.payload
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: .bytes(payload)) }
        let directory = try TemporaryDirectory()
        let destination = directory.path("a.bin")
        let client = try HTTPClient()
        _ = try await client.download(HTTPRequest(.get, server.url("/a.bin")), to: destination, maxBytes: Int64(payload.count))
        #expect(try Data(contentsOf: destination) == payload)
    }

    @Test func anAnnouncedSizeOverTheLimitStopsBeforeTheBodyAndIsNotRetried() async throws {
        let payload = Self.payload
        let server = try TestHTTPServer { _ in TestHTTPResponse(body: .bytes(payload)) }
        let directory = try TemporaryDirectory()
        let destination = directory.path("a.bin")
        let client = try HTTPClient()
        await #expect(throws: HTTPError.tooLarge(method: "GET", url: server.url("/a.bin").absoluteString,
                                                 limit: 1000, size: Int64(payload.count))) {
            _ = try await client.download(HTTPRequest(.get, server.url("/a.bin")), to: destination, maxBytes: 1000)
        }
        #expect(server.requests.count == 1)
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }

    @Test func aStreamedBodyIsCutOffOnceItPassesTheLimit() async throws {
        let chunk = String(repeating: "z", count: 8192)
        let server = try TestHTTPServer { _ in
            TestHTTPResponse(body: .chunked((0..<100).map { _ in TestHTTPResponse.Chunk(chunk) }))
        }
        let directory = try TemporaryDirectory()
        let destination = directory.path("a.bin")
        let client = try HTTPClient()
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.download(HTTPRequest(.get, server.url("/a.bin")), to: destination, maxBytes: 50_000)
        }
        guard case let .tooLarge(_, _, limit, size) = error else {
            Issue.record("expected tooLarge, got \(String(describing: error))")
            return
        }
        #expect(limit == 50_000 && size > 50_000 && size < 100 * 8192)
        let written = (try? FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? Int) ?? 0
        #expect(written <= 50_000)
        #expect(error?.localizedDescription.contains("over the limit of 50000 bytes") == true)
    }

    @Test func aResumedDownloadWithinTheLimitCompletes() async throws {
        let payload = Self.payload
        let server = try Self.resumingServer(first: payload, resumed: payload)
        let directory = try TemporaryDirectory()
        let destination = directory.path("a.bin")
        let client = try Self.retryingClient()
        let response = try await client.download(HTTPRequest(.get, server.url("/a.bin")), to: destination,
                                                 maxBytes: Int64(payload.count))
        #expect(response.status == 206)
        #expect(try Data(contentsOf: destination) == payload)
    }

    @Test func aResumedAnswerWhoseFullSizeIsOverTheLimitIsStopped() async throws {
        let payload = Self.payload
        // The file grew between the two requests: the 206's Content-Range names the new full size.
        let server = try Self.resumingServer(first: payload, resumed: payload + payload)
        let directory = try TemporaryDirectory()
        let destination = directory.path("a.bin")
        let client = try Self.retryingClient()
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.download(HTTPRequest(.get, server.url("/a.bin")), to: destination,
                                          maxBytes: Int64(payload.count) + 1000)
        }
        guard case let .tooLarge(_, _, _, size) = error else {
            Issue.record("expected tooLarge, got \(String(describing: error))")
            return
        }
        #expect(size == Int64(2 * payload.count))
        #expect(server.requests.last?.header("Range") != nil)
    }
}
