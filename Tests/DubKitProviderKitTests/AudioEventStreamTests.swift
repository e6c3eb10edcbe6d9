import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite("an audio answer streamed as events: decoded as it arrives, its audio on disk, its end checked")
struct AudioEventStreamTests {
    /// The events of these tests: `{"audio": base64}`, `{"done": true}` or `{"error": message}`.
    struct Event: Decodable {
        var audio: String?
        var done: Bool?
        var error: String?
    }

    @Sendable static func read(_ event: ServerSentEvent) -> [AudioStreamEvent] {
        guard let decoded = try? JSONDecoder().decode(Event.self, from: Data(event.data.utf8)) else { return [.malformed("not JSON")] }
        if let error = decoded.error { return [.failed(status: 500, code: "stream_error", message: error)] }
        if let audio = decoded.audio { return [Data(base64Encoded: audio).map(AudioStreamEvent.audio) ?? .malformed("not base64")] }
        return decoded.done == true ? [.done] : []
    }

    static func chunk(_ bytes: [UInt8]) -> String { #"{"audio":"\#(Data(bytes).base64EncodedString())"}"# }

    static func serve(_ chunks: [String]) throws -> TestHTTPServer {
        try TestHTTPServer { _ in
            TestHTTPResponse(headers: [("Content-Type", "text/event-stream"), ("X-Request-Id", "req-7")],
                             body: .chunked(chunks.map { TestHTTPResponse.Chunk($0, after: 0.01) }))
        }
    }

    func receive(_ server: TestHTTPServer, into dir: TemporaryDirectory,
                 progress: @escaping @Sendable (Int64) -> Void = { _ in }) async throws(ServiceError) -> HTTPHeaders {
        let api = try? ProviderAPI<ServiceError>(baseURL: server.baseURL, variable: "SERVICE_BASE_URL") { () throws(ServiceError) -> String in "k" }
        guard let api else { throw .invalidValue(field: "api", value: "", allowed: "") }
        let request = try api.request(.post, "stream", accept: "text/event-stream")
        return try await api.exchangeAudioEvents(request, operation: "POST /stream", audio: dir.path("audio.raw"),
                                                 scratch: dir.path("events.sse"), progress: progress, read: Self.read) { failure in
            .invalidResponse(operation: "POST /stream", detail: "\(failure.code): \(failure.message)")
        }
    }

    @Test("data fields and bare JSON lines, split anywhere: every chunk's bytes in order on disk, progress rising, the raw events gone")
    func framings() async throws {
        let dir = try TemporaryDirectory("audio-events")
        let sent = (0..<5).map { index in (0..<7).map { UInt8(index * 10 + $0) } }
        let dataLines = sent.map { "event: message\ndata: \(Self.chunk($0))\n\n" } + ["data: {\"done\":true}\n\n"]
        let bare = sent.map { Self.chunk($0) + "\n" } + ["{\"done\":true}"] // the last line without its newline counts
        for text in [dataLines.joined(), bare.joined()] {
            // Cut into pieces of 5 bytes: events and lines arrive split across reads.
            let pieces = stride(from: 0, to: text.utf8.count, by: 5).map { String(decoding: Array(text.utf8)[$0..<min($0 + 5, text.utf8.count)], as: UTF8.self) }
            let server = try Self.serve(pieces)
            let seen = Locked<[Int64]>([])
            let headers = try await receive(server, into: dir) { written in seen.withLock { $0.append(written) } }
            #expect(headers["X-Request-Id"] == "req-7")
            #expect(try Data(contentsOf: dir.path("audio.raw")) == Data(sent.joined()))
            #expect(seen.current == [7, 14, 21, 28, 35])
            #expect(!FileManager.default.fileExists(atPath: dir.path("events.sse").path))
        }
    }

    @Test("an error event, an event that is not JSON and a stream without its end each fail as the adapter's error")
    func incompleteStreams() async throws {
        let dir = try TemporaryDirectory("audio-events")
        let cases: [([String], ServiceError)] = [
            ([Self.chunk([1, 2]) + "\n", #"{"error":"overloaded"}"# + "\n"],
             .invalidResponse(operation: "POST /stream", detail: "stream_error: overloaded")),
            (["data: [1, 2\n\n", #"{"done":true}"# + "\n"], .invalidResponse(operation: "POST /stream", detail: "not JSON")),
            ([Self.chunk([1, 2]) + "\n", Self.chunk([3]) + "\n"],
             .answerLost(operation: "POST /stream", detail: "the stream ended after 2 chunks without its done event")),
        ]
        for (chunks, expected) in cases {
            let server = try Self.serve(chunks)
            await #expect(throws: expected) { _ = try await receive(server, into: dir) }
        }
    }

    @Test("the standard parser drops an unfinished event; with bare lines it hands it over, and a JSON line is an event of its own")
    func parserBareLines() {
        var standard = ServerSentEventParser()
        #expect(standard.feed(Array("{\"a\":1}\ndata: x".utf8)).isEmpty)
        #expect(standard.finish().isEmpty)
        var lenient = ServerSentEventParser(bareLines: true)
        #expect(lenient.feed(Array("data: first\n{\"a\":1}\ndata: x".utf8)) == [
            ServerSentEvent(data: "first"), ServerSentEvent(data: "{\"a\":1}"),
        ])
        #expect(lenient.finish() == [ServerSentEvent(data: "x")])
    }
}
