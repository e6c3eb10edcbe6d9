import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite struct HTTPClientEventTests {
    @Test func eventsArriveInOrderAsTheyAreSent() async throws {
        let firstEventSeen = Locked(false)
        let server = try TestHTTPServer { _ in
            .eventStream([
                .init(": connected\r\n\r\n"),
                .init("event: progress\r\ndata: {\"p\":0.5}\r\n\r\n", after: 0.02),
                .init("data: first line\ndata: second line\n\n", after: 0.02),
                .init("id: 3\nevent: done\ndata: {\"url\":", after: 0.02),
                // Held back until the client has the first event: with a client that buffered the
                // whole stream the gate never opens, the server drops the connection and this fails.
                .init("\"x\"}\n\n", when: { firstEventSeen.current }),
            ])
        }
        let client = try HTTPClient()
        var events: [ServerSentEvent] = []
        for try await event in client.events(HTTPRequest(.post, server.url("/stream"), body: try .json(["text": "hi"]))) {
            firstEventSeen.withLock { $0 = true }
            events.append(event)
        }
        #expect(events == [
            ServerSentEvent(event: "progress", data: #"{"p":0.5}"#),
            ServerSentEvent(event: "message", data: "first line\nsecond line"),
            ServerSentEvent(event: "done", data: #"{"url":"x"}"#, id: "3"),
        ])
        #expect(server.requests.first?.header("Accept") == "text/event-stream")
    }

    @Test func stoppingIterationCancelsTheStream() async throws {
        let server = try TestHTTPServer { _ in
            .eventStream([.init("data: one\n\n")] + (0..<600).map { _ in .init("data: more\n\n", after: 0.1) })
        }
        let log = TimedLog()
        let client = try HTTPClient(configuration: .init(log: log.sink))
        for try await event in client.events(HTTPRequest(.get, server.url("/stream"))) {
            #expect(event.data == "one")
            break
        }
        // The stream lasts a minute: a transfer left running would not end within the wait.
        let end = await log.waitForLine(startingWith: ["! cancelled", "< done"])
        #expect(end == "! cancelled")
    }

    @Test func errorStatusEndsTheStreamWithStatusError() async throws {
        let server = try TestHTTPServer { _ in .json(Data(#"{"error":"bad key"}"#.utf8), status: 401) }
        let client = try HTTPClient()
        let error = await #expect(throws: HTTPError.self) {
            for try await _ in client.events(HTTPRequest(.get, server.url("/stream"))) {}
        }
        #expect(error?.statusCode == 401)
        #expect(error?.localizedDescription.contains("bad key") == true)
    }
}
