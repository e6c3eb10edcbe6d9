import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

@Suite("HTTPClient.exchange: one attempt, any status")
struct HTTPClientExchangeTests {
    @Test("an error status comes back with its headers and body, after one request")
    func errorStatusIsAnswered() async throws {
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse.text("Too many requests", status: 429)
            response.headers.append(("Retry-After", "7"))
            return response
        }
        let client = try HTTPClient()
        let answer = try await client.exchange(HTTPRequest(.post, server.url("/jobs"), body: .bytes(Data("x".utf8), contentType: nil)))
        #expect(answer.status == 429)
        #expect(answer.headers["Retry-After"] == "7")
        #expect(answer.text == "Too many requests")
        #expect(server.requests.count == 1, "never retried, whatever the client's policy")
    }

    @Test("no answer still throws, naming the host")
    func refusedConnectionThrows() async throws {
        let server = try TestHTTPServer { _ in .text("unused") }
        let url = server.url("/gone")
        server.stop()
        let client = try HTTPClient()
        let error = await #expect(throws: HTTPError.self) { _ = try await client.exchange(HTTPRequest(.get, url)) }
        guard case .connectionFailed(_, _, let host, _) = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1")
    }
}

@Suite("HTTPClient.exchange to a file: one attempt, the body on disk as it arrives")
struct HTTPClientExchangeFileTests {
    @Test("a 2xx body is written to the file chunk by chunk, before the answer ends")
    func bodyGoesToDisk() async throws {
        let dir = try TemporaryDirectory("exchange-file")
        let file = dir.path("body.bin")
        let server = try TestHTTPServer { _ in
            TestHTTPResponse(status: 200, headers: [("Content-Type", "audio/mpeg")], body: .chunked([
                TestHTTPResponse.Chunk(data: Data(repeating: 1, count: 4000)),
                // Held back until the first chunk is in the file: the body is not buffered to the end.
                TestHTTPResponse.Chunk(data: Data(repeating: 2, count: 3000), when: {
                    ((try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? Int ?? 0) >= 4000
                }),
            ]))
        }
        let seen = Locked<[Int64]>([])
        let client = try HTTPClient()
        let answer = try await client.exchange(HTTPRequest(.post, server.url("/convert")), to: file) { chunk, offset in
            seen.withLock { $0.append(offset + Int64(chunk.count)) }
        }
        #expect(answer.status == 200 && answer.body.isEmpty)
        let data = try Data(contentsOf: file)
        #expect(data.count == 7000 && data.first == 1 && data.last == 2)
        #expect(seen.current.last == 7000)
        #expect(server.requests.count == 1)
    }

    @Test("an error status leaves the file alone and comes back with its body and headers")
    func errorBodyInMemory() async throws {
        let dir = try TemporaryDirectory("exchange-file")
        let file = dir.path("body.bin")
        let server = try TestHTTPServer { _ in
            var response = TestHTTPResponse.json(Data(#"{"detail":{"status":"system_busy","message":"busy"}}"#.utf8), status: 429)
            response.headers.append(("Retry-After", "3"))
            return response
        }
        let answer = try await HTTPClient().exchange(HTTPRequest(.post, server.url("/convert")), to: file)
        #expect(answer.status == 429 && answer.headers["Retry-After"] == "3")
        #expect(answer.text.contains("system_busy"))
        #expect(!FileManager.default.fileExists(atPath: file.path))
        #expect(server.requests.count == 1)
    }
}
