import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeElevenLabs
import Foundation
import Testing

/// The built `dubkit` against the fake ElevenLabs, configured as a user would: variables only.
@Suite("dubkit with ElevenLabs")
struct ElevenLabsCLITests {
    static let key = "xi-cli-6f2a9d0e41"

    @Test("voice list follows the pages; bad values are refused at dub create; estimate, budget and a streamed dub run to done")
    func elevenLabsDub() throws {
        let fake = try FakeElevenLabs(options: .init(apiKey: Self.key, voices: 23, characterLimit: 50_000))
        let dir = try TemporaryDirectory()
        let env = ["ELEVENLABS_BASE_URL": fake.baseURL.absoluteString, "ELEVENLABS_API_KEY": Self.key]
        let video = dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 3)
        let voice = "elevenlabs:\(fake.voices[4].voiceID)"

        let listed = try dubkit(["voice", "list", "--provider", "elevenlabs", "--all", "--json", "--limit", "10"], dir, env)
        #expect(listed.status == 0, "\(listed.stderr)")
        let page = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let ids = (page["voices"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == fake.voices.map(\.voiceID))
        let checked = try dubkit(["provider", "check", "elevenlabs"], dir, env)
        #expect(checked.status == 0 && checked.stdout.contains("50000 credits left"), "\(checked.stdout) \(checked.stderr)")

        #expect(try dubkit(["project", "create", "films"], dir, env).status == 0)
        for bad in [["--param", "speed=1.5"], ["--param", "output_format=wav_44100"], ["--pitch", "2"]] {
            let refused = try dubkit(["dub", "create", "--project", "films", "--voice", voice, "--file", video.path] + bad, dir, env)
            #expect(refused.status != 0, "\(bad)")
            let field = bad[0] == "--pitch" ? "pitchShift" : String(bad[1].split(separator: "=")[0])
            #expect(refused.stderr.contains(field), "\(refused.stderr)")
        }
        let created = try dubkit(["dub", "create", "--project", "films", "--voice", voice, "--file", video.path,
                                  "--param", "output_format=ulaw_8000", "--param", "stream=true", "--param", "speed=1.1"], dir, env)
        #expect(created.status == 0, "\(created.stderr)")

        // 3 s at 1,000 characters a minute: 50 credits, known before anything is paid.
        let estimate = try dubkit(["--json", "dub", "estimate", "--project", "films", "--all"], dir, env)
        let estimated = try #require(try JSONSerialization.jsonObject(with: Data(estimate.stdout.utf8)) as? [String: Any])
        #expect(estimated["totalCredits"] as? Int == 50, "\(estimate.stdout)")
        let overBudget = try dubkit(["--json", "dub", "run", "--project", "films", "--all", "--budget", "40"], dir, env)
        #expect(overBudget.status != 0 && overBudget.stderr.contains("budget"), "\(overBudget.stderr)")
        #expect(fake.calls(.convertStream) == 0)

        let ran = try dubkit(["--json", "--verbose", "dub", "run", "--project", "films", "--all", "--budget", "60"], dir, env)
        #expect(ran.status == 0, "\(ran.stderr)")
        let dubs = try #require(try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]])
        #expect(dubs.first?["status"] as? String == "done", "\(ran.stdout)")
        // Charged on the extracted audio, which may run a few milliseconds past the video's own length.
        let used = try #require(dubs.first?["creditsUsed"] as? Int)
        #expect((50...51).contains(used) && dubs.first?["creditsRequired"] as? Int == used)
        #expect(abs(Int(fake.charactersUsed) - used) <= 1)
        #expect(fake.calls(.convertStream) == 1 && fake.calls(.convert) == 0)
        let sent = try #require(fake.conversions.first)
        #expect(sent.query["output_format"] == "ulaw_8000" && sent.fields["voice_settings"] == #"{"speed":1.1}"#)
        #expect(!ran.stderr.contains(Self.key) && !ran.stdout.contains(Self.key))
        #expect(ran.stderr.contains("xi-api-key: ***"), "the verbose HTTP log shows the key masked")
    }

    @Test("a batch keeps to ElevenLabs's 2 conversions at once (the descriptor's maxConcurrentJobs), whatever --jobs asks")
    func batchKeepsToTheConcurrencyLimit() throws {
        // The plan allows 2 at once and refuses a third with 429: a batch that asked for more would be refused.
        let fake = try FakeElevenLabs(options: .init(apiKey: Self.key, maxConcurrentRequests: 2, processingDelay: .milliseconds(400)))
        let dir = try TemporaryDirectory()
        let env = ["ELEVENLABS_BASE_URL": fake.baseURL.absoluteString, "ELEVENLABS_API_KEY": Self.key]
        #expect(try dubkit(["project", "create", "films"], dir, env).status == 0)
        for index in 0..<5 {
            let audio = dir.path("line\(index).wav")
            try Fixtures.tone(audio, seconds: 0.5, frequency: 200 + 20 * index)
            let created = try dubkit(["dub", "create", "--project", "films", "--voice", "elevenlabs:\(fake.voices[0].voiceID)",
                                      "--file", audio.path], dir, env)
            #expect(created.status == 0, "\(created.stderr)")
        }
        let started = Date()
        let ran = try dubkit(["dub", "run", "--project", "films", "--all", "--jobs", "5"], dir, env)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(fake.mostConcurrentConversions == 2)
        #expect(fake.calls(.convert) == 5, "a conversion was refused: more than 2 were asked for at once")
        // Two at a time, 0.4 s each: at least three rounds.
        #expect(Date().timeIntervalSince(started) >= 1.2)
    }

    @Test("a dub cut into chunks shares the batch's 2 slots: its chunks and the plain dubs beside it never make 3 at once")
    func chunksShareTheBatchSlots() throws {
        let fake = try FakeElevenLabs(options: .init(apiKey: Self.key, maxConcurrentRequests: 2, processingDelay: .milliseconds(300)))
        let dir = try TemporaryDirectory()
        let env = ["ELEVENLABS_BASE_URL": fake.baseURL.absoluteString, "ELEVENLABS_API_KEY": Self.key]
        let voice = "elevenlabs:\(fake.voices[0].voiceID)"
        #expect(try dubkit(["project", "create", "films"], dir, env).status == 0)
        let speech = dir.path("talk.wav")
        try SpeechLoop.write(speech, seconds: 24)
        let long = try dubkit(["dub", "create", "--project", "films", "--voice", voice, "--file", speech.path, "--chunk", "6"], dir, env)
        #expect(long.status == 0, "\(long.stderr)")
        for index in 0..<3 {
            let audio = dir.path("line\(index).wav")
            try Fixtures.tone(audio, seconds: 0.5, frequency: 200 + 20 * index)
            #expect(try dubkit(["dub", "create", "--project", "films", "--voice", voice, "--file", audio.path], dir, env).status == 0)
        }

        let ran = try dubkit(["dub", "run", "--project", "films", "--all", "--jobs", "2"], dir, env)

        #expect(ran.status == 0, "\(ran.stderr.suffix(2000))")
        let project = try Workspace(root: dir.path("ws")).openProject("films")
        let parent = try #require(Int64(long.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let chunks = try project.chunks(of: parent)
        #expect(chunks.count >= 4, "\(chunks.count) chunks")
        #expect(try project.dub(parent).status == .done)
        #expect(fake.mostConcurrentConversions == 2)
        // A third conversion at once would have been refused with a 429 and sent again: one call each.
        #expect(fake.calls(.convert) == chunks.count + 3, "\(fake.calls(.convert)) conversions for \(chunks.count + 3) jobs")
    }
}
