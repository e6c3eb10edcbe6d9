import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite struct HTTPClientTests {
    /// A server that answers "late" only after 5 s: long past the timeouts and cancellations tested.
    static func lateServer() throws -> TestHTTPServer {
        try TestHTTPServer { _ in
            var response = TestHTTPResponse.text("late")
            response.delay = 5
            return response
        }
    }

    struct Greeting: Codable, Equatable {
        var name: String
        var count: Int
    }

    @Test func jsonRoundTrip() async throws {
        let server = try TestHTTPServer { request in
            guard request.method == "POST", request.header("Content-Type") == "application/json",
                  let greeting = try? JSONDecoder().decode(Greeting.self, from: request.body) else {
                return .text("bad request", status: 400)
            }
            return .json(Greeting(name: greeting.name.uppercased(), count: greeting.count + 1))
        }
        let client = try HTTPClient()
        let request = HTTPRequest(.post, server.url("/greet?lang=en"), body: try .json(Greeting(name: "ada", count: 1)))
        let reply = try await client.send(request, decoding: Greeting.self)
        #expect(reply == Greeting(name: "ADA", count: 2))
        #expect(server.requests.first?.path == "/greet")
        #expect(server.requests.first?.query("lang") == "en")
    }

    @Test func statusErrorCarriesCodeBodyAndURL() async throws {
        let server = try TestHTTPServer { _ in .json(Data(#"{"detail":"voice not found"}"#.utf8), status: 404) }
        let client = try HTTPClient()
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.get, server.url("/voices/v9")))
        }
        #expect(error?.statusCode == 404)
        let message = error?.localizedDescription ?? ""
        #expect(message.contains("GET"))
        #expect(message.contains("/voices/v9"))
        #expect(message.contains("voice not found"))
        #expect(server.requests.count == 1)
    }

    @Test func followsRedirectsAndRedactsTheSignedLocationInTheLog() async throws {
        let server = try TestHTTPServer { request in
            if request.path == "/v1/dubs/d1/audio" {
                return TestHTTPResponse(status: 302, headers: [("Location", "/signed/d1.wav?X-Amz-Signature=SEKRET-SIG")])
            }
            return TestHTTPResponse(status: 200, headers: [("Content-Type", "audio/wav")], body: .bytes(Data("RIFF".utf8)))
        }
        let log = TimedLog()
        let client = try HTTPClient(configuration: .init(log: log.sink))
        let response = try await client.send(HTTPRequest(.get, server.url("/v1/dubs/d1/audio")))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "audio/wav")
        #expect(response.text == "RIFF")
        #expect(server.requests.map(\.path) == ["/v1/dubs/d1/audio", "/signed/d1.wav"])
        #expect(log.text.contains("< Location: /signed/d1.wav?X-Amz-Signature=***"))
        #expect(!log.text.contains("SEKRET"))
    }

    @Test func overallTimeoutFailsQuicklyWithTimeoutError() async throws {
        let server = try Self.lateServer()
        let log = TimedLog()
        let client = try HTTPClient(configuration: .init(log: log.sink))
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.get, server.url("/slow"), timeout: 0.3))
        }
        guard case .timeout(_, _, let seconds, _) = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(seconds == 0.3)
        let sent = try #require(log.time(ofFirst: "> GET"))
        let failed = try #require(log.time(ofFirst: "! "))
        #expect(failed.timeIntervalSince(sent) < 1.5, "gave up \(failed.timeIntervalSince(sent)) s after sending")
    }

    @Test func connectTimeoutAppliesWhenTheServerNeverAccepts() async throws {
        // A listener with a full backlog that never accepts: the handshake cannot complete.
        let blackhole = try UnacceptingListener()
        let log = TimedLog()
        let client = try HTTPClient(configuration: .init(retryPolicy: .never, log: log.sink))
        let url = try #require(URL(string: "http://127.0.0.1:\(blackhole.port)/x"))
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.get, url, connectTimeout: 0.3))
        }
        guard case .timeout = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        let sent = try #require(log.time(ofFirst: "> GET"))
        let failed = try #require(log.time(ofFirst: "! "))
        #expect(failed.timeIntervalSince(sent) < 1.5)
    }

    @Test func refusedConnectionNamesTheHost() async throws {
        let server = try TestHTTPServer { _ in .text("unused") }
        let url = server.url("/gone")
        server.stop()
        let client = try HTTPClient()
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.get, url), retry: .never)
        }
        guard case .connectionFailed(let method, _, let host, _) = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(method == "GET")
        #expect(host == "127.0.0.1")
    }

    @Test func cancellingTheTaskStopsTheTransfer() async throws {
        let server = try Self.lateServer()
        let log = TimedLog()
        let client = try HTTPClient(configuration: .init(log: log.sink))
        let task = Task { try await client.send(HTTPRequest(.get, server.url("/slow"))) }
        while server.requests.isEmpty { try await Task.sleep(nanoseconds: 10_000_000) }
        let cancelledAt = Date()
        task.cancel()
        let result = await task.result
        guard case .failure(HTTPError.cancelled) = result else {
            Issue.record("expected cancelled, got \(result)")
            return
        }
        let stopped = try #require(log.time(ofFirst: "! cancelled"))
        #expect(stopped.timeIntervalSince(cancelledAt) < 1)
    }

    @Test func debugLogRedactsKeysInHeadersAndQuery() async throws {
        let server = try TestHTTPServer { _ in .json(Data(#"{"ok":true}"#.utf8)) }
        let lines = Locked<[String]>([])
        let client = try HTTPClient(configuration: .init(log: { line in lines.withLock { $0.append(line) } }))
        var headers = HTTPHeaders()
        headers.set("xi-api-key", "SEKRET-XI")
        headers.set("Authorization", "Bearer SEKRET-BEARER")
        headers.set("X-Api-Key", "SEKRET-X")
        headers.set("Accept", "application/json")
        _ = try await client.send(HTTPRequest(.get, server.url("/v1/voices?api_key=SEKRET-QUERY&voice=v1"), headers: headers))
        let log = lines.current.joined(separator: "\n")
        #expect(!log.contains("SEKRET"))
        #expect(log.contains("xi-api-key: ***"))
        #expect(log.contains("Authorization: ***"))
        #expect(log.contains("api_key=***"))
        #expect(log.contains("voice=v1"))
        #expect(log.contains("< HTTP/1.1 200"))
        // Error messages redact the URL too.
        let failing = try TestHTTPServer { _ in .text("no", status: 401) }
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.send(HTTPRequest(.get, failing.url("/v1/user?xi_api_key=SEKRET-ERR&token=SEKRET-T")))
        }
        let message = error?.localizedDescription ?? ""
        #expect(!message.contains("SEKRET") && message.contains("***") && message.contains("401"))
        #expect(!lines.current.joined(separator: "\n").contains("SEKRET"))
        // The server did get the real key: redaction is for the log only.
        #expect(server.requests.first?.header("xi-api-key") == "SEKRET-XI")
    }
}
