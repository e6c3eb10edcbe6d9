import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

/// Seconds since `start`, measured on the monotonic clock.
private func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Seconds from the request going out to the transfer being given up, as the client's transfer thread
/// logged them (other suites busy on the cooperative pool cannot stretch this).
private func givenUp(_ log: TimedLog) throws -> Double {
    let sent = try #require(log.time(ofFirst: "> GET"))
    let failed = try #require(log.time(ofFirst: "! nothing received"))
    return failed.timeIntervalSince(sent)
}

/// Every read has a bound: a server that goes silent ends in a stall error within the limit, a
/// download kept from a stalled run continues in the next, and the limits come from the environment.
@Suite(.timeLimit(.minutes(1))) struct HTTPClientBoundsTests {
    static let payload = Data((0..<200_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 11) })
    /// The stall limit of these tests, and the margin allowed on top of it for a loaded machine.
    static let stall = 1.0
    static let margin = 4.0

    @Test("an API call to a server that accepts and never answers ends in a stall error, not a hang")
    func silentServerStalls() async throws {
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse.text("never sent")
            response.delay = 600
            return response
        }
        defer { server.stop() }
        let log = TimedLog()
        let client = try HTTPClient(configuration: .init(stallTimeout: Self.stall, log: log.sink))
        let url = server.url("/v1/me?api_key=SECRET-KEY")
        let error = await #expect(throws: HTTPError.self) { _ = try await client.send(HTTPRequest(.get, url)) }
        let waited = try givenUp(log)
        guard case let .stalled(method, shown, stalledFor, answered, received) = error else {
            Issue.record("expected a stall, got \(String(describing: error))")
            return
        }
        #expect(method == "GET" && !answered && received == 0)
        #expect(stalledFor >= Self.stall && stalledFor < Self.stall + Self.margin)
        #expect(waited >= Self.stall && waited < Self.stall + Self.margin, "gave up after \(waited) s")
        #expect(shown.contains("/v1/me") && !shown.contains("SECRET"))
        let message = try #require(error?.errorDescription)
        #expect(message.contains("run the same command again") || message.contains("Run the same command again"))
        #expect(message.contains("DUBKIT_STALL_TIMEOUT") && !message.contains("SECRET"))
        #expect(server.requests.count == 1, "a stall is not retried within the run")
    }

    @Test("a download whose server sends headers and part of the body, then silence, stalls; the next run continues from the bytes on disk")
    func stalledDownloadContinuesInTheNextRun() async throws {
        let payload = Self.payload
        let kept = 50_000
        let server = try StallingFileServer(payload, etag: "\"v1\"", contentType: "audio/wav", stallAfter: kept)
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let destination = directory.path("result.part")
        let log = TimedLog()
        let client = try HTTPClient(configuration: .init(stallTimeout: Self.stall, log: log.sink))
        let request = HTTPRequest(.get, server.url("/result.wav"))

        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.download(request, to: destination, continuing: true)
        }
        let waited = try givenUp(log)
        guard case let .stalled(_, _, _, answered, received) = error else {
            Issue.record("expected a stall, got \(String(describing: error))")
            return
        }
        #expect(answered && received == Int64(kept))
        #expect(waited < Self.stall + Self.margin, "gave up after \(waited) s")
        #expect(try Data(contentsOf: destination) == payload.prefix(kept))
        #expect(FileManager.default.fileExists(atPath: HTTPClient.resumeRecord(for: destination).path))

        // The next run (a new client, as a new process would have) asks only for the rest.
        server.stalls = false
        let again = try HTTPClient(configuration: .init(stallTimeout: Self.stall))
        let response = try await again.download(request, to: destination, continuing: true)
        #expect(response.status == 206)
        #expect(try Data(contentsOf: destination) == payload)
        let resumed = try #require(server.requests.last)
        #expect(resumed.header("Range") == "bytes=\(kept)-" && resumed.header("If-Range") == "\"v1\"")
        #expect(!FileManager.default.fileExists(atPath: HTTPClient.resumeRecord(for: destination).path))
    }

    @Test("a kept part of a file that changed since is not spliced: the server's whole new version replaces it")
    func changedFileStartsOver() async throws {
        let payload = Self.payload
        let newer = Data(payload.reversed())
        let directory = try TemporaryDirectory()
        let destination = directory.path("result.part")
        try payload.prefix(30_000).write(to: destination)
        try Data("\"v1\"".utf8).write(to: HTTPClient.resumeRecord(for: destination))
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse(headers: [("ETag", "\"v2\"")], body: .bytes(newer))
            response.acceptsRanges = true
            return response
        }
        defer { server.stop() }
        let response = try await HTTPClient().download(HTTPRequest(.get, server.url("/x")), to: destination, continuing: true)
        #expect(response.status == 200)
        #expect(try Data(contentsOf: destination) == newer)
        #expect(server.requests.first?.header("If-Range") == "\"v1\"")
    }

    @Test("a kept file the server cannot continue (416: it is whole already) is fetched again from the start")
    func unsatisfiableRangeStartsOver() async throws {
        let payload = Self.payload
        let directory = try TemporaryDirectory()
        let destination = directory.path("result.part")
        try payload.write(to: destination)
        try Data("\"v1\"".utf8).write(to: HTTPClient.resumeRecord(for: destination))
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse(headers: [("ETag", "\"v1\"")], body: .bytes(payload))
            response.acceptsRanges = true
            return response
        }
        defer { server.stop() }
        _ = try await HTTPClient().download(HTTPRequest(.get, server.url("/x")), to: destination, continuing: true)
        #expect(try Data(contentsOf: destination) == payload)
        #expect(server.requests.map { $0.header("Range") } == ["bytes=\(payload.count)-", nil])
    }

    @Test("a slow but steady answer is not a stall: the limit is on silence, not on the whole transfer")
    func steadyTrickleIsNotAStall() async throws {
        let server = try TestHTTPServer { _ in
            TestHTTPResponse(headers: [("Content-Type", "text/plain")],
                             body: .chunked((0..<6).map { TestHTTPResponse.Chunk("part \($0)\n", after: 0.5) }))
        }
        defer { server.stop() }
        let client = try HTTPClient(configuration: .init(stallTimeout: Self.stall))
        let start = ContinuousClock.now
        let response = try await client.send(HTTPRequest(.get, server.url("/trickle")))
        #expect(seconds(since: start) > Self.stall * 2)
        #expect(response.text.hasSuffix("part 5\n"))
    }

    @Test("the stall limit does not cut a connection still being made: the connect timeout covers that, and says so")
    func connectingIsNotAStall() async throws {
        let blackhole = try UnacceptingListener()
        let log = TimedLog()
        let client = try HTTPClient(configuration: .init(connectTimeout: 1, stallTimeout: 0.2, retryPolicy: .never, log: log.sink))
        let url = try #require(URL(string: "http://127.0.0.1:\(blackhole.port)/x"))
        let error = await #expect(throws: HTTPError.self) { _ = try await client.send(HTTPRequest(.get, url)) }
        guard case let .timeout(_, _, limit, _) = error else {
            Issue.record("expected a connect timeout, got \(String(describing: error))")
            return
        }
        #expect(limit == 1)
        let sent = try #require(log.time(ofFirst: "> GET")), failed = try #require(log.time(ofFirst: "! "))
        #expect(failed.timeIntervalSince(sent) >= 0.9, "given up after \(failed.timeIntervalSince(sent)) s")
        #expect(error?.errorDescription?.contains("DUBKIT_CONNECT_TIMEOUT") == true)
    }

    @Test("the bounds come from DUBKIT_CONNECT_TIMEOUT and DUBKIT_STALL_TIMEOUT; a bad value keeps the default and is named")
    func boundsFromTheEnvironment() {
        let defaults = NetworkBounds(environment: [:])
        #expect(defaults.connectTimeout == 15 && defaults.stallTimeout == 60 && defaults.problems.isEmpty)
        #expect(defaults.processingStallTimeout == 600)
        let set = NetworkBounds(environment: ["DUBKIT_CONNECT_TIMEOUT": "2.5", "DUBKIT_STALL_TIMEOUT": " 3 "])
        #expect(set.connectTimeout == 2.5 && set.stallTimeout == 3 && set.problems.isEmpty)
        for bad in ["0", "-1", "soon", "inf", "nan", ""] {
            let bounds = NetworkBounds(environment: ["DUBKIT_STALL_TIMEOUT": bad])
            #expect(bounds.stallTimeout == 60)
            #expect(bounds.problems.count == 1 && bounds.problems.first?.hasPrefix("DUBKIT_STALL_TIMEOUT=") == true)
        }
    }
}
