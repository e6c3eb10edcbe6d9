import DubKitHTTP
import DubKitMedia
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// The dub lifecycle as the fake plays it: upload, preprocess, measured duration and credits,
/// generate, the status walk over time, and a result that decodes.
@Suite struct FakeVoiceDubDubTests {
    @Test func uploadedDubWalksEveryStatusAndServesAudioOfTheInputsLength() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(120)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.last).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)","separate":false}"#)
        let id = try #require(created.body["dub"]?["id"]?.string)
        #expect(created.body["dub"]?["status"]?.string == "new")
        #expect(created.body["dub"]?["inputSource"]?.string == "upload")
        #expect(created.body["dub"]?["separate"]?.bool == false)
        let upload = try #require(created.body["uploadUrl"]?.string)
        #expect(upload.contains("X-Amz-Signature="))
        _ = try await api.put(RawVoiceDub.tone(seconds: 2.5), to: upload)

        let preprocess = try await api.call(.post, "/v1/me/dubs/\(id)/preprocess")
        #expect(preprocess.body["dub"]?["status"]?.string == "preprocessing")
        #expect(preprocess.body["dub"]?["inputDuration"] == .null)
        var seen = try await statuses(of: id, api: api, until: "preprocessed")
        #expect(seen == ["preprocessing", "preprocessed"])
        let preprocessed = try await api.call(.get, "/v1/me/dubs/\(id)").body["dub"] ?? .null
        #expect(preprocessed["inputDuration"]?.integer == 2500)
        #expect(preprocessed["requiredCredits"]?.integer == 10)
        #expect(preprocessed["apiCreditsUsed"]?.integer == 0)
        #expect(preprocessed["apiCreditsLeft"] == .null)
        #expect(preprocessed["dubUrl"] == .null)

        let clock = ContinuousClock()
        let started = clock.now
        let generated = try await api.call(.post, "/v1/me/dubs/\(id)/generate")
        #expect(generated.body["dub"]?["status"]?.string == "queued")
        #expect(generated.body["dub"]?["apiCreditsUsed"]?.integer == 10)
        #expect(generated.body["dub"]?["apiCreditsLeft"]?.integer == 9_990)
        seen = try await statuses(of: id, api: api, until: "done")
        #expect(seen == ["queued", "starting", "processing", "finalizing", "done"])
        #expect(clock.now - started >= .milliseconds(4 * 120))
        #expect(fake.credits == 9_990)

        let done = try await api.call(.get, "/v1/me/dubs/\(id)").body["dub"] ?? .null
        #expect(done["completedAt"]?.string != nil)
        let dubURL = try #require(done["dubUrl"]?.string.flatMap(URL.init(string:)))
        let folder = try TemporaryDirectory()
        let file = folder.path("dub.wav")
        _ = try await api.client.download(HTTPRequest(.get, dubURL), to: file)
        let info = try MediaProbe.probe(file)
        #expect(abs((info.durationSeconds ?? 0) - 2.5) < 0.05)
        #expect(fake.calls(.downloadDub) == 1)
        #expect(fake.dub(id)?.generateCalls == 1 && fake.dub(id)?.preprocessCalls == 1)
        try api.expectAnswersMatchSpec()
    }

    @Test func creditsFollowTheSpecsRulePerStartedMinute() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let folder = try TemporaryDirectory()
        let long = folder.path("long.wav")
        try Fixtures.tone(long, seconds: 61, rate: 8000)
        let id = try await preprocessedDub(api, audio: try Data(contentsOf: long))
        let dub = try #require(fake.dub(id))
        #expect(dub.inputDuration == 61_000)
        #expect(dub.requiredCredits == 20)
        fake.setCredits(19)
        let refused = try await api.call(.post, "/v1/me/dubs/\(id)/generate")
        #expect(refused.status == 403)
        #expect(refused.body["code"]?.string == "not_enough_credits")
        #expect(fake.dub(id)?.status == "preprocessed")
        #expect(fake.credits == 19)
        fake.setCredits(20)
        #expect(try await api.call(.post, "/v1/me/dubs/\(id)/generate").status == 200)
        #expect(fake.credits == 0)
        let me = try await api.call(.get, "/v1/me")
        #expect(me.body["user"]?["apiCredits"]?.integer == 0)
        try api.expectAnswersMatchSpec()
    }

    @Test func linkOn127001IsFetchedAndMeasured() async throws {
        let folder = try TemporaryDirectory()
        let video = folder.path("clip.mp4")
        try Fixtures.video(video, seconds: 2)
        let bytes = try Data(contentsOf: video)
        let host = try TestHTTPServer { _ in TestHTTPResponse(status: 200, headers: [("Content-Type", "video/mp4")], body: .bytes(bytes)) }
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let link = host.url("/clip.mp4").absoluteString
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)","link":"\#(link)"}"#)
        #expect(created.body["uploadUrl"] == .null)
        #expect(created.body["dub"]?["inputSource"]?.string == "link")
        #expect(created.body["dub"]?["link"]?.string == link)
        let id = try #require(created.body["dub"]?["id"]?.string)
        _ = try await api.call(.post, "/v1/me/dubs/\(id)/preprocess")
        let dub = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["preprocessed", "error"])
        #expect(dub["status"]?.string == "preprocessed")
        #expect(abs(Double(dub["inputDuration"]?.integer ?? 0) - 2000) < 60)
        #expect(host.requests.count == 1)
        try api.expectAnswersMatchSpec()
    }

    @Test func remoteLinkStandsForTheConfiguredLength() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20), remoteLinkDuration: .seconds(3)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)","link":"https://youtu.be/abc"}"#)
        let id = try #require(created.body["dub"]?["id"]?.string)
        _ = try await api.call(.post, "/v1/me/dubs/\(id)/preprocess")
        let dub = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["preprocessed", "error"])
        #expect(dub["inputDuration"]?.integer == 3000)
        try api.expectAnswersMatchSpec()
    }

    @Test func preprocessWithoutAnUploadEndsInAClearError() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)"}"#)
        let id = try #require(created.body["dub"]?["id"]?.string)
        _ = try await api.call(.post, "/v1/me/dubs/\(id)/preprocess")
        let dub = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["preprocessed", "error"])
        #expect(dub["status"]?.string == "error")
        #expect(dub["errorCode"]?.string == "input_missing")
        #expect(dub["completedAt"]?.string != nil)
        try api.expectAnswersMatchSpec()
    }

    @Test func dubsOfACustomVoiceNeedItTrained() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let created = try await api.call(.post, "/v1/me/voices", json: #"{"name":"Mine","numberOfFiles":1}"#)
        let voiceID = try #require(created.body["voice"]?["id"]?.string)
        let early = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voiceID)"}"#)
        #expect(early.status == 400 && early.body["code"]?.string == "voice_not_found")
        let url = try #require(created.body["uploadUrls"]?.array?.first?.string)
        _ = try await api.put(RawVoiceDub.tone(seconds: 1), to: url)
        _ = try await api.call(.post, "/v1/me/voices/\(voiceID)/clone")
        _ = try await api.waitFor("/v1/me/voices/\(voiceID)", member: "voice", statuses: ["done", "error"])
        #expect(try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voiceID)"}"#).status == 200)
        try api.expectAnswersMatchSpec()
    }

    /// Creates a dub, uploads `audio`, preprocesses it and waits until it is preprocessed.
    private func preprocessedDub(_ api: RawVoiceDub, audio: Data) async throws -> String {
        let voice = try #require(api.fake.publicVoices.first).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)"}"#)
        let id = try #require(created.body["dub"]?["id"]?.string)
        _ = try await api.put(audio, to: try #require(created.body["uploadUrl"]?.string))
        _ = try await api.call(.post, "/v1/me/dubs/\(id)/preprocess")
        _ = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["preprocessed", "error"])
        return id
    }

    /// The distinct statuses GET shows, polled every 10 ms, until `final` (or `error`).
    private func statuses(of id: String, api: RawVoiceDub, until final: String) async throws -> [String] {
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let status = try await api.call(.get, "/v1/me/dubs/\(id)").body["dub"]?["status"]?.string ?? "?"
            if seen.last != status { seen.append(status) }
            if status == final || status == "error" { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return seen
    }
}

/// The spec's 30-minute limit, with a long but small compressed input.
@Suite struct FakeVoiceDubLengthLimitTests {
    @Test func inputsOverThirtyMinutesEndInError() async throws {
        let folder = try TemporaryDirectory()
        let long = folder.path("long.m4a")
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        ffmpeg.arguments = ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono",
                            "-t", "1830", "-c:a", "aac", "-b:a", "8k", long.path]
        try ffmpeg.run()
        ffmpeg.waitUntilExit()
        #expect(ffmpeg.terminationStatus == 0)
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)"}"#)
        let id = try #require(created.body["dub"]?["id"]?.string)
        _ = try await api.put(try Data(contentsOf: long), to: try #require(created.body["uploadUrl"]?.string))
        _ = try await api.call(.post, "/v1/me/dubs/\(id)/preprocess")
        let dub = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["preprocessed", "error"])
        #expect(dub["status"]?.string == "error" && dub["errorCode"]?.string == "input_too_long")
        #expect(dub["requiredCredits"] == .null)
        try api.expectAnswersMatchSpec()
    }
}
