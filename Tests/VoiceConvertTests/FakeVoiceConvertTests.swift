import DubKitHTTP
import DubKitMedia
import DubKitTestSupport
import FakeVoiceConvert
import Foundation
import Testing

/// The fake voice-convert service itself, over raw HTTP: what it accepts and refuses follows seed 001.
@Suite("FakeVoiceConvert follows the voice-convert contract")
struct FakeVoiceConvertTests {
    let fake: FakeVoiceConvert
    let http: HTTPClient
    let dir: TemporaryDirectory
    let media: TestHTTPServer

    init() throws {
        fake = try FakeVoiceConvert(options: .init(apiKey: "sk_k", startingCredits: 100, stageDuration: .milliseconds(80)))
        http = try HTTPClient(configuration: .init(retryPolicy: .never))
        let dir = try TemporaryDirectory("fake-vc-test")
        self.dir = dir
        try Fixtures.tone(dir.path("talk.wav"), seconds: 1.5)
        media = try TestHTTPServer { request in
            let name = request.path.split(separator: "/").last.map(String.init) ?? ""
            guard let data = try? Data(contentsOf: dir.path(name)) else { return .text("no", status: 404) }
            return TestHTTPResponse(status: 200, body: .bytes(data))
        }
    }

    private func send(_ method: HTTPMethod, _ path: String, key: String? = "sk_k", json: String? = nil) async throws -> HTTPResponse {
        var headers = HTTPHeaders()
        if let key { headers.set("Authorization", "Bearer \(key)") }
        let body: HTTPRequestBody = json.map { .bytes(Data($0.utf8), contentType: "application/json") } ?? .empty
        return try await http.exchange(HTTPRequest(method, fake.url(path), headers: headers, body: body))
    }

    private var talk: String { media.url("/talk.wav").absoluteString }

    static let refusals: [(String, String)] = [
        ("[1, 2]", "JSON object"),
        (#"{"reference_audio_url": "URL"}"#, "source_audio_url"),
        (#"{"source_audio_url": "URL", "reference_audio_url": "file:///tmp/a.wav"}"#, "reference_audio_url"),
        (#"{"source_audio_url": "URL", "reference_audio_url": "URL", "diffusion_steps": "10"}"#, "diffusion_steps"),
        (#"{"source_audio_url": "URL", "reference_audio_url": "URL", "diffusion_steps": 2.5}"#, "diffusion_steps"),
        (#"{"source_audio_url": "URL", "reference_audio_url": "URL", "length_adjust": 3}"#, "length_adjust"),
        (#"{"source_audio_url": "URL", "reference_audio_url": "URL", "inference_cfg_rate": -0.1}"#, "inference_cfg_rate"),
        (#"{"source_audio_url": "URL", "reference_audio_url": "URL", "auto_f0_adjust": 1}"#, "auto_f0_adjust"),
        (#"{"source_audio_url": "URL", "reference_audio_url": "URL", "pitch_shift": -25}"#, "pitch_shift"),
        (#"{"source_audio_url": "URL", "reference_audio_url": "URL", "return_format": "flac"}"#, "return_format"),
        (#"{"source_audio_url": "URL", "reference_audio_url": "URL", "metadata": "x"}"#, "metadata"),
    ]

    @Test("a convert POST is refused field by field with 400 invalid_request, and nothing is created",
          arguments: 0..<FakeVoiceConvertTests.refusals.count)
    func postRefused(_ index: Int) async throws {
        let (body, field) = Self.refusals[index]
        let answer = try await send(.post, "/api/v2/voice/convert", json: body.replacingOccurrences(of: "URL", with: talk))
        #expect(answer.status == 400, "\(answer.text)")
        let error = (try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "invalid_request")
        #expect((error?["message"] as? String)?.contains(field) == true, "\(answer.text)")
        #expect(fake.tasks.isEmpty)
    }

    @Test("401 tells a missing key from a wrong one")
    func auth() async throws {
        for (key, code) in [(nil, "missing_api_key"), ("sk_other", "invalid_api_key")] as [(String?, String)] {
            let answer = try await send(.get, "/api/v2/tasks/x", key: key)
            #expect(answer.status == 401)
            let error = (try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["error"] as? [String: Any]
            #expect(error?["code"] as? String == code && error?["type"] as? String == "auth_error")
        }
    }

    @Test("202 pending, then processing, then completed with audioUrl; charged once on completion")
    func statusWalk() async throws {
        let accepted = try await send(.post, "/api/v2/voice/convert", json: """
            {"source_audio_url": "\(talk)", "reference_audio_url": "\(talk)", "length_adjust": 2, "metadata": {"a": 1}}
            """)
        #expect(accepted.status == 202)
        let task = try #require(try JSONSerialization.jsonObject(with: accepted.body) as? [String: Any])
        #expect(task["status"] as? String == "pending" && task["action"] as? String == "vocal-conversion")
        #expect(task["capability"] as? String == "voice" && task["model"] as? String == "voice-convert")
        let id = try #require(task["task_id"] as? String)
        var seen: [String] = []
        var last: [String: Any] = [:]
        for _ in 0..<40 {
            last = try #require(try JSONSerialization.jsonObject(with: try await send(.get, "/api/v2/tasks/\(id)").body) as? [String: Any])
            if let status = last["status"] as? String, seen.last != status { seen.append(status) }
            if seen.last == "completed" { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        #expect(seen == ["pending", "processing", "completed"])
        #expect(last["credits_used"] as? Int == 6 && fake.credits == 94) // 1.5 s × 2 = 3 s of output
        #expect((last["metadata"] as? [String: Any])?["a"] as? Int == 1)
        #expect(last["format"] as? String == "wav" && last["degraded"] as? Bool == false)
        let audio = try #require((last["audioUrl"] as? String).flatMap(URL.init(string:)))
        let file = dir.path("out.wav")
        _ = try await http.download(HTTPRequest(.get, audio), to: file)
        #expect(abs(try #require(try MediaProbe.probe(file).durationSeconds) - 3) < 0.05)
        _ = try await send(.get, "/api/v2/tasks/\(id)")
        #expect(fake.credits == 94, "charged once")
        #expect(try await send(.get, "/api/v2/tasks/no-such-task").status == 404)
    }

    @Test("402 when the output would cost more than the credits left")
    func insufficientCredits() async throws {
        try Fixtures.tone(dir.path("long.wav"), seconds: 60)
        let long = media.url("/long.wav").absoluteString
        let answer = try await send(.post, "/api/v2/voice/convert", json: #"{"source_audio_url": "\#(long)", "reference_audio_url": "\#(talk)"}"#)
        #expect(answer.status == 402 && answer.text.contains("insufficient_credits"))
        #expect(fake.tasks.isEmpty && fake.credits == 100)
    }
}
