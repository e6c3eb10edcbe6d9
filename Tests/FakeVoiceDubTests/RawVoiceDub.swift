import DubKitHTTP
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// Raw VoiceDub calls over DubKitHTTP (no adapter, no retries) against a ``FakeVoiceDub``, giving
/// back status, headers and the whole JSON body also for error answers.
struct RawVoiceDub {
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: JSONNode
        var data: Data
    }

    /// The spec, parsed once for all tests.
    private static let spec = Result { try VoiceDubSpec() }

    let fake: FakeVoiceDub
    let client: HTTPClient
    /// The client's log lines, where error answers' headers are read from.
    private let log = Locked<[String]>([])

    init(_ fake: FakeVoiceDub) throws {
        self.fake = fake
        let log = self.log
        client = try HTTPClient(configuration: .init(timeout: 20, retryPolicy: .never,
                                                     log: { line in log.withLock { $0.append(line) } }))
    }

    /// The response headers logged since line `start`.
    private func loggedHeaders(since start: Int) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for line in log.current.dropFirst(start) where line.hasPrefix("< ") {
            let text = line.dropFirst(2)
            guard let colon = text.firstIndex(of: ":"), !text.hasPrefix("HTTP/") else { continue }
            headers.add(String(text[..<colon]), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return headers
    }

    /// Calls `method path` with `json` as the body and `key` as the API key (none when nil).
    func call(_ method: HTTPMethod, _ path: String, json: String? = nil, key: String? = "test-key") async throws -> Reply {
        var headers = HTTPHeaders()
        if let key { headers.set("Authorization", "Api-Key \(key)") }
        let url = URL(string: path, relativeTo: fake.baseURL)?.absoluteURL ?? fake.baseURL
        let body: HTTPRequestBody = json.map { .bytes(Data($0.utf8), contentType: "application/json") } ?? .empty
        let start = log.current.count
        do {
            let response = try await client.send(HTTPRequest(method, url, headers: headers, body: body))
            return Reply(status: response.status, headers: response.headers,
                         body: JSONNode.parse(response.body) ?? .null, data: response.body)
        } catch HTTPError.status(_, _, let code, _) {
            // The client keeps only an excerpt of error bodies: take the whole one from the fake's log.
            let sent = fake.sentResponses.last { $0.status == code }
            return Reply(status: code, headers: loggedHeaders(since: start), body: sent.flatMap { JSONNode.parse($0.body) } ?? .null,
                         data: sent?.body ?? Data())
        }
    }

    /// Records an issue for every API answer sent so far that breaks the spec.
    func expectAnswersMatchSpec(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let spec = try Self.spec.get()
        for sent in fake.sentResponses {
            guard let operationID = sent.operation?.operationID else { continue }
            let problems = spec.problems(sent.body, operationID: operationID, status: sent.status)
            #expect(problems.isEmpty, "\(operationID) \(sent.status): \(problems)", sourceLocation: sourceLocation)
        }
    }

    /// PUTs `data` to a presigned `url`.
    func put(_ data: Data, to url: String) async throws -> HTTPResponse {
        try await client.send(HTTPRequest(.put, URL(string: url) ?? fake.baseURL, body: .bytes(data, contentType: "audio/wav")))
    }

    /// Polls GET `path` until `member.status` is one of `statuses` (at most `timeout` seconds).
    func waitFor(_ path: String, member: String, statuses: Set<String>, timeout: Double = 20) async throws -> JSONNode {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let reply = try await call(.get, path)
            let item = reply.body[member] ?? .null
            if let status = item["status"]?.string, statuses.contains(status) { return item }
            if Date() > deadline { return item }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A WAV tone of `seconds` as bytes.
    static func tone(seconds: Double) throws -> Data {
        let folder = try TemporaryDirectory()
        let url = folder.path("tone.wav")
        try Fixtures.tone(url, seconds: seconds)
        return try Data(contentsOf: url)
    }
}
