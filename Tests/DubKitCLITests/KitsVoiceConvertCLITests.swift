import DubKit
import DubKitTestSupport
import FakeKits
import FakeVoiceConvert
import Foundation
import Testing

/// The built `dubkit` against the fake Kits.ai and voice-convert services, configured as a user would:
/// variables only.
@Suite("dubkit with Kits.ai and voice-convert")
struct KitsVoiceConvertCLITests {
    static let kitsKey = "kits-cli-4d1b7e93"
    static let convertKey = "sk_cli_9a3c5e71"

    @Test("Kits: voice list follows the pages; dub create with options and dub run take a video to done")
    func kitsDub() throws {
        let fake = try FakeKits(options: .init(apiKey: Self.kitsKey, stageDuration: .milliseconds(60)))
        let dir = try TemporaryDirectory()
        let env = ["KITS_BASE_URL": fake.baseURL.absoluteString, "KITS_API_KEY": Self.kitsKey]
        let video = dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 2)

        let listed = try dubkit(["voice", "list", "--provider", "kits", "--all", "--json", "--limit", "10"], dir, env)
        #expect(listed.status == 0, "\(listed.stderr)")
        let page = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let ids = (page["voices"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == fake.voiceModels.filter(\.isUsable).map { String($0.id) })

        #expect(try dubkit(["project", "create", "films"], dir, env).status == 0)
        let refused = try dubkit(["dub", "create", "--project", "films", "--voice", "kits:2", "--file", video.path,
                                  "--param", "conversionStrength=1.5"], dir, env)
        #expect(refused.status != 0 && refused.stderr.contains("conversionStrength"), "\(refused.stderr)")
        let created = try dubkit(["dub", "create", "--project", "films", "--voice", "kits:2", "--file", video.path, "--pitch", "3",
                                  "--param", "conversionStrength=0.4", "--param", "post.Delay.mix=0.3"], dir, env)
        #expect(created.status == 0, "\(created.stderr)")
        let ran = try dubkit(["--json", "--verbose", "dub", "run", "--project", "films", "--all"], dir, env)
        #expect(ran.status == 0, "\(ran.stderr)")
        let dubs = try #require(try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]])
        #expect(dubs.first?["status"] as? String == "done")
        let conversion = try #require(fake.conversionIDs.first.flatMap { fake.conversion($0) })
        #expect(conversion.fields["pitchShift"] == "3" && conversion.fields["conversionStrength"] == "0.4")
        #expect(conversion.fields["post"] == #"{"Delay":{"mix":0.3}}"#)
        #expect(fake.calls(.createConversion) == 1)
        #expect(!ran.stderr.contains(Self.kitsKey) && !ran.stdout.contains(Self.kitsKey))
        #expect(ran.stderr.contains("***"), "the verbose HTTP log shows the key masked")
    }

    @Test("voice-convert: a file and a local reference published through VOICECONVERT_PUBLISH_DIR, billed per second")
    func voiceConvertDub() throws {
        let fake = try FakeVoiceConvert(options: .init(apiKey: Self.convertKey, stageDuration: .milliseconds(60)))
        let dir = try TemporaryDirectory()
        let published = dir.path("public")
        let web = try servePublishedFolder(published)
        let source = dir.path("talk.wav"), reference = dir.path("ref.wav")
        try Fixtures.tone(source, seconds: 2)
        try Fixtures.tone(reference, seconds: 3, frequency: 330)
        var env = ["VOICECONVERT_BASE_URL": fake.baseURL.absoluteString, "VOICECONVERT_API_KEY": Self.convertKey]

        #expect(try dubkit(["project", "create", "films"], dir, env).status == 0)
        let args = ["dub", "create", "--project", "films", "--voice", "voiceconvert:\(reference.path)", "--file", source.path,
                    "--param", "length_adjust=1.5", "--param", "diffusion_steps=10"]
        #expect(try dubkit(args, dir, env).status == 0)
        let unpublished = try dubkit(["--json", "dub", "run", "--project", "films", "--all"], dir, env)
        #expect(unpublished.stdout.contains("VOICECONVERT_PUBLISH_DIR") || unpublished.stderr.contains("VOICECONVERT_PUBLISH_DIR"),
                "\(unpublished.stdout) \(unpublished.stderr)")
        #expect(fake.totalCalls == 0)

        env["VOICECONVERT_PUBLISH_DIR"] = published.path
        env["VOICECONVERT_PUBLIC_URL"] = web.url("/pub/").absoluteString
        #expect(try dubkit(args, dir, env).status == 0)
        let ran = try dubkit(["--json", "dub", "run", "--project", "films", "2"], dir, env)
        #expect(ran.status == 0, "\(ran.stderr)")
        let dubs = try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8))
        let dub = try #require((dubs as? [[String: Any]])?.first ?? dubs as? [String: Any])
        #expect(dub["status"] as? String == "done", "\(ran.stdout)")
        #expect(dub["creditsUsed"] as? Int == 6) // 2 s × 1.5 = 3 s of output, 2 credits each
        #expect(fake.credits == 10_000 - 6)
        #expect(fake.tasks.first?.body["diffusion_steps"] == .number(10))
        #expect(!ran.stderr.contains(Self.convertKey) && !ran.stdout.contains(Self.convertKey))
    }

    @Test("Kits: a dub run sends one conversion POST a minute at most, the conservative reading of Kits's POST limit")
    func kitsConversionPace() throws {
        let fake = try FakeKits(options: .init(apiKey: Self.kitsKey, stageDuration: .milliseconds(60)))
        let dir = try TemporaryDirectory()
        let env = ["KITS_BASE_URL": fake.baseURL.absoluteString, "KITS_API_KEY": Self.kitsKey]
        #expect(try dubkit(["project", "create", "films"], dir, env).status == 0)
        for index in 0..<2 {
            let audio = dir.path("k\(index).wav")
            try Fixtures.tone(audio, seconds: 0.5, frequency: 220 + 30 * index)
            #expect(try dubkit(["dub", "create", "--project", "films", "--voice", "kits:2", "--file", audio.path], dir, env).status == 0)
        }
        let run = try ChildProcess("dubkit", ["--workspace", dir.path("ws").path, "dub", "run", "--project", "films", "--all", "--jobs", "2"],
                                   environment: env.merging(["DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_CONFIG_DIR": dir.path("config").path]) { $1 },
                                   currentDirectory: dir.url)
        defer { run.killHard(); _ = run.wait() }
        let store = try Workspace(root: dir.path("ws")).openProject("films")
        let end = Date().addingTimeInterval(20)
        while Date() < end, try !store.dubs().contains(where: { $0.status == .done }) { Thread.sleep(forTimeInterval: 0.05) }
        #expect(try store.dubs().map(\.status).contains(.done))
        // Well past the time the second dub needs to be ready: its POST waits for its turn, a minute on.
        Thread.sleep(forTimeInterval: 1.5)
        #expect(fake.calls(.createConversion) == 1)
        #expect(try store.dubs().map(\.status).sorted { $0.rawValue < $1.rawValue } == [.done, .preprocessed])
    }

    @Test("voice-convert: dub estimate prices length_adjust as the service bills it, seconds of output, before and after preprocess")
    func voiceConvertEstimate() throws {
        let fake = try FakeVoiceConvert(options: .init(apiKey: Self.convertKey, stageDuration: .milliseconds(60)))
        let dir = try TemporaryDirectory()
        let published = dir.path("public")
        let web = try servePublishedFolder(published)
        let source = dir.path("talk.wav"), reference = dir.path("ref.wav")
        try Fixtures.tone(source, seconds: 10)
        try Fixtures.tone(reference, seconds: 3, frequency: 330)
        let env = ["VOICECONVERT_BASE_URL": fake.baseURL.absoluteString, "VOICECONVERT_API_KEY": Self.convertKey,
                   "VOICECONVERT_PUBLISH_DIR": published.path, "VOICECONVERT_PUBLIC_URL": web.url("/pub/").absoluteString]
        #expect(try dubkit(["project", "create", "films"], dir, env).status == 0)
        #expect(try dubkit(["dub", "create", "--project", "films", "--voice", "voiceconvert:\(reference.path)", "--file", source.path,
                            "--param", "length_adjust=2"], dir, env).status == 0)
        func estimate() throws -> [String: Any] {
            let shown = try dubkit(["--json", "dub", "estimate", "--project", "films", "1"], dir, env)
            #expect(shown.status == 0, "\(shown.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        }
        // 10 s of input, twice as long out: 20 s of output at 2 credits a second.
        #expect(try estimate()["totalCredits"] as? Int == 40)

        let refused = try dubkit(["dub", "run", "--project", "films", "--all", "--budget", "30"], dir, env)
        #expect(refused.status == 1 && refused.stderr.contains("it costs 40 credits"), "\(refused.stderr)")
        #expect(fake.tasks.isEmpty)
        // Preprocessed now: the figure the adapter reported for the measured input.
        let after = try estimate()
        let line = try #require((after["dubs"] as? [[String: Any]])?.first)
        #expect(line["credits"] as? Int == 40 && line["seconds"] as? Double == 10, "\(after)")

        let ran = try dubkit(["--json", "dub", "run", "--project", "films", "--all", "--budget", "40"], dir, env)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(fake.credits == 10_000 - 40)
    }
}

