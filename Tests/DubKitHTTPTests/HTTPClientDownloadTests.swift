import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite struct HTTPClientDownloadTests {
    static let payload = Data((0..<(4 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) })
    static let quickRetries = RetryPolicy(maxAttempts: 3, baseDelay: 0.01)

    @Test func resumesWithRangeAfterTheConnectionDrops() async throws {
        let payload = Self.payload
        let server = try TestHTTPServer { request in
            var response = TestHTTPResponse(status: 200, headers: [("Content-Type", "audio/wav")], body: .bytes(payload))
            response.acceptsRanges = true
            if request.header("Range") == nil { response.dropAfterBytes = payload.count / 2 }
            return response
        }
        let directory = try TemporaryDirectory()
        let destination = directory.path("dub.wav")
        let progress = Locked<[DownloadProgress]>([])
        let client = try HTTPClient(configuration: .init(retryPolicy: Self.quickRetries))
        let response = try await client.download(HTTPRequest(.get, server.url("/dub.wav")), to: destination) { update in
            progress.withLock { $0.append(update) }
        }
        #expect(response.status == 206)
        #expect(try TestFiles.hash(of: destination) == TestFiles.hash(of: payload))
        let requests = server.requests
        #expect(requests.count == 2)
        let range = try #require(requests.last?.header("Range"))
        let resumedAt = Int(range.dropFirst("bytes=".count).dropLast()) ?? 0
        #expect(resumedAt > 0 && resumedAt <= payload.count / 2)
        #expect(progress.current.last == DownloadProgress(received: Int64(payload.count), total: Int64(payload.count)))
    }

    @Test func startsOverWhenTheServerIgnoresTheRange() async throws {
        let payload = Self.payload
        let server = try TestHTTPServer { request in
            var response = TestHTTPResponse(status: 200, body: .bytes(payload))
            if request.header("Range") == nil {
                response.acceptsRanges = true
                response.dropAfterBytes = payload.count / 3
            }
            return response
        }
        let directory = try TemporaryDirectory()
        let destination = directory.path("dub.wav")
        let client = try HTTPClient(configuration: .init(retryPolicy: Self.quickRetries))
        let response = try await client.download(HTTPRequest(.get, server.url("/dub.wav")), to: destination)
        #expect(response.status == 200)
        #expect(server.requests.count == 2)
        #expect(try TestFiles.hash(of: destination) == TestFiles.hash(of: payload))
    }

    @Test func errorAnswerFailsWithStatusAndWritesNoFile() async throws {
        let server = try TestHTTPServer { _ in .json(Data(#"{"detail":"not ready"}"#.utf8), status: 404) }
        let directory = try TemporaryDirectory()
        let destination = directory.path("dub.wav")
        let client = try HTTPClient(configuration: .init(retryPolicy: Self.quickRetries))
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.download(HTTPRequest(.get, server.url("/dub.wav")), to: destination)
        }
        #expect(error?.statusCode == 404)
        #expect(error?.localizedDescription.contains("not ready") == true)
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }

    @Test func unwritableDestinationFailsBeforeSending() async throws {
        let server = try TestHTTPServer { _ in .text("data") }
        let client = try HTTPClient()
        let destination = URL(fileURLWithPath: "/nonexistent/dubkit/dub.wav")
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.download(HTTPRequest(.get, server.url("/dub.wav")), to: destination)
        }
        guard case .fileError(let path, _) = error else {
            Issue.record("expected fileError, got \(String(describing: error))")
            return
        }
        #expect(path == destination.path)
        #expect(server.requests.isEmpty)
    }
}
