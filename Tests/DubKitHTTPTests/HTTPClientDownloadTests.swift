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

    @Test func aFileThatChangedBeforeTheResumeComesWholeThanksToIfRange() async throws {
        let old = Data(Self.payload.prefix(1 << 20))
        let new = Data(old.reversed())
        let server = try TestHTTPServer { request in
            // Like a real server: the first request gets version 1 and drops; by the resume, version 2
            // is out, so a Range whose If-Range names version 1 gets the whole new file (200).
            guard request.header("Range") != nil else {
                var first = TestHTTPResponse(headers: [("ETag", "\"v1\"")], body: .bytes(old))
                first.acceptsRanges = true
                first.dropAfterBytes = 10_000
                return first
            }
            var current = TestHTTPResponse(headers: [("ETag", "\"v2\"")], body: .bytes(new))
            current.acceptsRanges = request.header("If-Range") == "\"v2\""
            return current
        }
        let directory = try TemporaryDirectory()
        let destination = directory.path("a.bin")
        let client = try HTTPClient(configuration: .init(retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: 0.01)))
        let response = try await client.download(HTTPRequest(.get, server.url("/a.bin")), to: destination)
        #expect(response.status == 200)
        #expect(try Data(contentsOf: destination) == new)
        #expect(server.requests.last?.header("If-Range") == "\"v1\"")
    }
}
