import DubKitHTTP
import DubKitMedia
import DubKitTestSupport
import FakeKits
import Foundation
import Testing

/// The fake Kits.ai server itself, over raw HTTP: what it accepts and refuses follows seed 000.
@Suite("FakeKits follows the Kits.ai contract")
struct FakeKitsTests {
    let fake: FakeKits
    let http: HTTPClient
    let dir: TemporaryDirectory

    init() throws {
        fake = try FakeKits(options: .init(apiKey: "k", stageDuration: .milliseconds(100), maxSoundFileBytes: 50_000,
                                           signedURLLifetime: .seconds(60)))
        http = try HTTPClient(configuration: .init(retryPolicy: .never))
        dir = try TemporaryDirectory("fake-kits-test")
    }

    private func send(_ method: HTTPMethod, _ path: String, key: String? = "k", body: HTTPRequestBody = .empty) async throws -> HTTPResponse {
        var headers = HTTPHeaders()
        if let key { headers.set("Authorization", "Bearer \(key)") }
        return try await http.exchange(HTTPRequest(method, fake.url(FakeKits.apiPath + path), headers: headers, body: body))
    }

    private func form(_ fields: [(String, String)], sound: URL?) -> HTTPRequestBody {
        .multipart(fields.map { MultipartPart.text($0.0, $0.1) } + (sound.map { [MultipartPart.file("soundFile", $0)] } ?? []))
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var fields: [[String]]
        var withSound = true
        var status: Int
        var field: String
        var description: String { "\(fields) → \(status) \(field)" }
    }

    static let refusals: [Refusal] = [
        Refusal(fields: [], status: 422, field: "voiceModelId"),
        Refusal(fields: [["voiceModelId", "two"]], status: 422, field: "voiceModelId"),
        Refusal(fields: [["voiceModelId", "1"]], withSound: false, status: 422, field: "soundFile"),
        Refusal(fields: [["voiceModelId", "1"], ["conversionStrength", "1.01"]], status: 422, field: "conversionStrength"),
        Refusal(fields: [["voiceModelId", "1"], ["modelVolumeMix", "-0.5"]], status: 422, field: "modelVolumeMix"),
        Refusal(fields: [["voiceModelId", "1"], ["pitchShift", "25"]], status: 422, field: "pitchShift"),
        Refusal(fields: [["voiceModelId", "1"], ["pre", #"{"Reverb": {"room_size": 0.5}}"#]], status: 422, field: "pre"),
        Refusal(fields: [["voiceModelId", "1"], ["post", #"{"Delay": {"mix": "high"}}"#]], status: 422, field: "post"),
        Refusal(fields: [["voiceModelId", "1"], ["post", "not json"]], status: 422, field: "post"),
        Refusal(fields: [["voiceModelId", "9999"]], status: 404, field: ""),
        Refusal(fields: [["voiceModelId", "7"]], status: 403, field: ""),
    ]

    @Test("a conversion POST is refused field by field, and nothing is created", arguments: refusals)
    func postRefused(_ refusal: Refusal) async throws {
        let sound = dir.path("a.wav")
        try Fixtures.tone(sound, seconds: 0.5)
        let answer = try await send(.post, "/voice-conversions",
                                    body: form(refusal.fields.map { ($0[0], $0[1]) }, sound: refusal.withSound ? sound : nil))
        #expect(answer.status == refusal.status, "\(answer.text)")
        if !refusal.field.isEmpty { #expect(answer.text.contains(#""field":"\#(refusal.field)""#), "\(answer.text)") }
        #expect(fake.conversionIDs.isEmpty)
    }

    @Test("auth, multipart only, the size limit and the container are checked")
    func requestShape() async throws {
        let sound = dir.path("a.wav")
        try Fixtures.tone(sound, seconds: 0.5) // 16 kB
        #expect(try await send(.get, "/voice-models", key: nil).status == 401)
        #expect(try await send(.get, "/voice-models", key: "other").status == 401)
        let json = try await send(.post, "/voice-conversions", body: .bytes(Data(#"{"voiceModelId": 1}"#.utf8), contentType: "application/json"))
        #expect(json.status == 422 && json.text.contains("multipart"))
        let big = dir.path("big.wav")
        try Fixtures.tone(big, seconds: 3) // 96 kB > 50 kB
        let tooBig = try await send(.post, "/voice-conversions", body: form([("voiceModelId", "1")], sound: big))
        #expect(tooBig.status == 422 && tooBig.text.contains("100MB"))
        let text = dir.path("notes.flac")
        try Data("not audio at all".utf8).write(to: text)
        let notAudio = try await send(.post, "/voice-conversions", body: form([("voiceModelId", "1")], sound: text))
        #expect(notAudio.status == 422 && notAudio.text.contains("wav, mp3, or flac"))
        #expect(try await send(.get, "/voice-models?page=0").status == 422)
        #expect(try await send(.get, "/voice-models?order=up").status == 422)
    }

    @Test("a conversion is running, then success with signed URLs that expire; its audio decodes")
    func statusWalk() async throws {
        let sound = dir.path("a.wav")
        try Fixtures.tone(sound, seconds: 0.5)
        let created = try await send(.post, "/voice-conversions", body: form([("voiceModelId", "2"), ("pitchShift", "-3")], sound: sound))
        #expect(created.status == 201)
        let job = try #require(try JSONSerialization.jsonObject(with: created.body) as? [String: Any])
        #expect(job["status"] as? String == "running" && job["type"] as? String == "infer" && job["jobEndTime"] is NSNull)
        #expect((job["createdAt"] as? String)?.hasSuffix(" +00:00") == true)
        let id = try #require(job["id"] as? Int)
        let running = try JSONSerialization.jsonObject(with: try await send(.get, "/voice-conversions/\(id)").body) as? [String: Any]
        #expect(running?["status"] as? String == "running" && running?["outputFileUrl"] is NSNull)
        try await Task.sleep(nanoseconds: 150_000_000)
        let done = try #require(try JSONSerialization.jsonObject(with: try await send(.get, "/voice-conversions/\(id)").body) as? [String: Any])
        #expect(done["status"] as? String == "success")
        let output = try #require((done["outputFileUrl"] as? String).flatMap(URL.init(string:)))
        let file = dir.path("out.wav")
        _ = try await http.download(HTTPRequest(.get, output), to: file)
        #expect(abs(try #require(MediaProbe.probe(file).durationSeconds) - 0.5) < 0.05)
        var forged = URLComponents(url: output, resolvingAgainstBaseURL: false)
        forged?.queryItems = [URLQueryItem(name: "signature", value: "forged")]
        let refused = try await http.exchange(HTTPRequest(.get, try #require(forged?.url)))
        #expect(refused.status == 403)
        let list = try #require(try JSONSerialization.jsonObject(with: try await send(.get, "/voice-conversions?order=desc").body) as? [String: Any])
        #expect((list["data"] as? [[String: Any]])?.count == 1 && (list["meta"] as? [String: Any])?["currentPage"] as? Int == 1)
    }
}
