import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

/// Redirects: followed within http(s), never from https down to http, refused with an error that says
/// where the server tried to send the request. The test server is plain http (there is no trusted
/// https origin on 127.0.0.1), so the https rule is checked on the rule itself and on the protocol
/// list libcurl is given, and the refusal path runs live with a redirect to a scheme outside http(s).
@Suite struct HTTPClientRedirectTests {
    @Test("the rule: https may not go down to http; http may go up; other schemes never",
          arguments: [
              ("https://api.example/v1/x", "http://api.example/v1/x", "http://api.example/v1/x"),
              ("https://api.example/v1/x", "HTTP://cdn.example/a.wav", "http://cdn.example/a.wav"),
              ("https://api.example/v1/x", "https://cdn.example/a.wav", nil),
              ("https://api.example/v1/x", "/v1/y", nil),
              ("https://api.example/v1/x", "//cdn.example/a.wav", nil),
              ("http://api.example/v1/x", "https://api.example/v1/x", nil),
              ("http://api.example/v1/x", "http://other.example/y", nil),
              ("http://api.example/v1/x", "file:///etc/passwd", "file:///etc/passwd"),
              ("https://api.example/v1/x", "ftp://files.example/a.wav", "ftp://files.example/a.wav"),
          ] as [(String, String, String?)])
    func rule(from: String, location: String, refused: String?) throws {
        let origin = try #require(URL(string: from))
        #expect(RedirectRule.refusedTarget(from: origin, location: location)?.lowercased() == refused?.lowercased())
    }

    @Test("libcurl is told the same: an https request may be redirected to https only")
    func protocolList() throws {
        #expect(RedirectRule.protocols(from: try #require(URL(string: "https://api.example/x"))) == "https")
        #expect(RedirectRule.protocols(from: try #require(URL(string: "http://api.example/x"))) == "http,https")
    }

    @Test("a redirect out of http(s) is refused with a typed error naming the target, its secrets masked; nothing is fetched there")
    func refusedLive() async throws {
        let server = try TestHTTPServer { request in
            request.path == "/start"
                ? TestHTTPResponse(status: 302, headers: [("Location", "ftp://files.example/a.wav?X-Amz-Signature=SIGNED123")])
                : .text("unexpected")
        }
        defer { server.stop() }
        let error = await #expect(throws: HTTPError.self) {
            _ = try await HTTPClient().send(HTTPRequest(.get, server.url("/start")))
        }
        guard case let .redirectRefused(method, url, target) = error else {
            Issue.record("expected a refused redirect, got \(String(describing: error))")
            return
        }
        #expect(method == "GET" && url.hasSuffix("/start"))
        #expect(target == "ftp://files.example/a.wav?X-Amz-Signature=***")
        let message = try #require(error?.errorDescription)
        #expect(message.contains("ftp://files.example/a.wav") && message.contains("never from https to plain http"))
        #expect(!message.contains("SIGNED123"))
        #expect(server.requests.count == 1)
    }

    @Test("a redirect within http is followed, for downloads too")
    func followedLive() async throws {
        let payload = Data("RIFF....WAVE".utf8)
        let server = try TestHTTPServer { request in
            request.path == "/old"
                ? TestHTTPResponse(status: 301, headers: [("Location", "/new")])
                : TestHTTPResponse(headers: [("Content-Type", "audio/wav")], body: .bytes(payload))
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let destination = directory.path("a.wav")
        _ = try await HTTPClient().download(HTTPRequest(.get, server.url("/old")), to: destination)
        #expect(try Data(contentsOf: destination) == payload)
        #expect(server.requests.map(\.path) == ["/old", "/new"])
    }
}
