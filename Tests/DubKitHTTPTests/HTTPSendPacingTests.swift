import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

/// A pacing that hands out turns at once and records what each was told.
private final class RecordingPacing: SendPacing {
    let turns = Locked<[(granted: ContinuousClock.Instant, left: ContinuousClock.Instant??)]>([])

    func turn() async throws -> any SendTurn {
        let index = turns.withLock { turns in
            turns.append((ContinuousClock.now, nil))
            return turns.count - 1
        }
        return Told(pacing: self, index: index)
    }

    private struct Told: SendTurn {
        let pacing: RecordingPacing
        let index: Int
        func left(at instant: ContinuousClock.Instant?) {
            pacing.turns.withLock { turns in
                // A second report would show as a turn told twice.
                turns[index].left = turns[index].left == nil ? .some(instant) : .some(nil)
            }
        }
    }
}

@Suite("HTTP requests of a paced task wait for their turn and report when they left")
struct HTTPSendPacingTests {
    @Test("the send is reported once, when the request reached the server, long before its slow answer")
    func reportsTheSend() async throws {
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse.json(Data(#"{"ok":true}"#.utf8))
            response.delay = 0.3
            return response
        }
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        let pacing = RecordingPacing()
        _ = try await HTTPSendPacing.$current.withValue(pacing) {
            try await client.send(HTTPRequest(.post, server.url("/jobs"), body: .bytes(Data("{}".utf8), contentType: "application/json")))
        }
        let answered = ContinuousClock.now
        let turns = pacing.turns.current
        #expect(turns.count == 1)
        let left = try #require(turns.first?.left ?? nil)
        let arrived = try #require(server.requests.first?.arrivedAt)
        // libcurl reports the header after handing it to the socket: never before the server has it.
        #expect(left >= arrived)
        let granted = try #require(turns.first?.granted)
        #expect(left >= granted)
        #expect(answered - left >= .milliseconds(300))
    }

    @Test("a request that never left (nothing listening) is reported as not sent, once")
    func unsentIsReported() async throws {
        let server = try TestHTTPServer { _ in .text("never") }
        let gone = server.url("/gone")
        server.stop()
        let client = try HTTPClient(configuration: .init(retryPolicy: .never))
        let pacing = RecordingPacing()
        await #expect(throws: HTTPError.self) {
            try await HTTPSendPacing.$current.withValue(pacing) {
                _ = try await client.send(HTTPRequest(.get, gone))
            }
        }
        let turns = pacing.turns.current
        #expect(turns.count == 1)
        #expect(turns.first.map { $0.left == .some(nil) } == true)
    }

    @Test("each attempt of a retried request takes its own turn; unpaced tasks take none")
    func retriesTakeTurns() async throws {
        let calls = Locked(0)
        let server = try TestHTTPServer { _ in
            let call = calls.withLock { count -> Int in
                count += 1
                return count
            }
            return call == 1 ? .text("busy", status: 503) : .json(Data(#"{"ok":true}"#.utf8))
        }
        let client = try HTTPClient(configuration: .init(retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.02)))
        let pacing = RecordingPacing()
        _ = try await HTTPSendPacing.$current.withValue(pacing) { try await client.send(HTTPRequest(.get, server.url("/v"))) }
        let turns = pacing.turns.current
        #expect(turns.count == 2)
        #expect(turns.allSatisfy { ($0.left ?? nil) != nil })
        _ = try await client.send(HTTPRequest(.get, server.url("/v")))
        #expect(pacing.turns.current.count == 2)
    }
}
