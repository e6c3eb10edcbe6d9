import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// The built `dubkit` against the fake VoiceDub server, configured as a user would: variables only.
@Suite("dubkit with VoiceDub")
struct VoiceDubCLITests {
    static let key = "vdk-cli-8c2d4e6f0a"

    private func dubkit(_ arguments: [String], _ dir: TemporaryDirectory, _ fake: FakeVoiceDub) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", ["--workspace", dir.path("ws").path] + arguments, environment: [
            "VOICEDUB_BASE_URL": fake.baseURL.absoluteString,
            "VOICEDUB_API_KEY": Self.key,
            "DUBKIT_POLL_INTERVAL": "0.05",
            "DUBKIT_CONFIG_DIR": dir.path("config").path,
        ], currentDirectory: dir.url)
    }

    @Test("dub create --voice voicedub:<id> and dub run take a video to done; provider check shows the credits")
    func dubCreateAndRun() throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, stageDuration: .milliseconds(40)))
        let dir = try TemporaryDirectory()
        let video = dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 2)
        let voice = try #require(fake.publicVoices.first?.id)

        #expect(try dubkit(["project", "create", "films"], dir, fake).status == 0)
        let created = try dubkit(["dub", "create", "--project", "films", "--voice", "voicedub:\(voice)", "--file", video.path,
                                  "--pitch", "2"], dir, fake)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

        let ran = try dubkit(["--json", "--verbose", "dub", "run", "--project", "films", "--all"], dir, fake)
        #expect(ran.status == 0, "\(ran.stderr)")
        let dubs = try #require(try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]])
        #expect(dubs.first?["status"] as? String == "done")
        #expect(dubs.first?["creditsUsed"] as? Int == 10)
        let jobID = try #require(dubs.first?["providerJobId"] as? String ?? dubs.first?["providerJobID"] as? String)
        #expect(fake.dub(jobID)?.generateCalls == 1 && fake.dub(jobID)?.pitchShift == 2)
        #expect(!ran.stderr.contains(Self.key) && !ran.stdout.contains(Self.key))
        #expect(ran.stderr.contains("***"), "the verbose HTTP log shows the key masked")

        let check = try dubkit(["provider", "check", "voicedub"], dir, fake)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("9990 credits left"))
    }

    @Test("voice list --provider voicedub --all --json follows every page; filters narrow it")
    func voiceListAll() throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, publicVoices: 70))
        let dir = try TemporaryDirectory()

        let listed = try dubkit(["voice", "list", "--provider", "voicedub", "--all", "--json", "--limit", "20"], dir, fake)
        #expect(listed.status == 0, "\(listed.stderr)")
        let page = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let voices = try #require(page["voices"] as? [[String: Any]])
        #expect(voices.compactMap { $0["id"] as? String } == fake.publicVoices.map(\.id))
        #expect(page["nextCursor"] == nil || page["nextCursor"] is NSNull)
        #expect(fake.calls(.listVoices) == 4)

        let filtered = try dubkit(["voice", "list", "--provider", "voicedub", "--all", "--json",
                                   "--language", "english", "--style", "singing"], dir, fake)
        #expect(filtered.status == 0, "\(filtered.stderr)")
        let narrowed = try #require(try JSONSerialization.jsonObject(with: Data(filtered.stdout.utf8)) as? [String: Any])
        let expected = fake.publicVoices.filter { $0.languages.contains("english") && $0.styles.contains("singing") }
        #expect((narrowed["voices"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == expected.map(\.id))

        // --search is VoiceDub's (case-insensitive substring of the name), followed over every page.
        let listedBefore = fake.calls(.listVoices)
        let searched = try dubkit(["voice", "list", "--provider", "voicedub", "--all", "--json", "--limit", "8",
                                   "--search", "Er"], dir, fake)
        #expect(searched.status == 0, "\(searched.stderr)")
        let found = try #require(try JSONSerialization.jsonObject(with: Data(searched.stdout.utf8)) as? [String: Any])
        let foundVoices = try #require(found["voices"] as? [[String: Any]])
        let matching = fake.publicVoices.filter { $0.name.lowercased().contains("er") }
        #expect(matching.count > 8 && matching.count < fake.publicVoices.count, "a search spanning pages: \(matching.count)")
        #expect(foundVoices.compactMap { $0["id"] as? String } == matching.map(\.id))
        #expect(foundVoices.allSatisfy { ($0["name"] as? String)?.lowercased().contains("er") == true })
        #expect(fake.calls(.listVoices) == listedBefore + (matching.count + 7) / 8, "searched at VoiceDub, one request a page")

        let refused = try dubkit(["voice", "list", "--provider", "voicedub", "--limit", "5"], dir, fake)
        #expect(refused.status == 2, "an out-of-range value is bad usage")
        #expect(refused.stderr.contains("limit") && refused.stderr.contains("8...50"))
    }

    @Test("a voice trained at VoiceDub is exported as a reference (no key, no model), imported into another project and dubs there")
    func remoteVoiceMovesBetweenProjects() throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, stageDuration: .milliseconds(30)))
        let dir = try TemporaryDirectory()
        for project in ["a", "b"] { #expect(try dubkit(["project", "create", project], dir, fake).status == 0) }
        let take = dir.path("take.wav")
        _ = try ChildProcess.run("/usr/bin/espeak-ng", ["-w", take.path, "A voice trained far away, and carried over by reference."])
        #expect(try dubkit(["dataset", "add", "--project", "a", "takes", take.path], dir, fake).status == 0)
        let trained = try dubkit(["voice", "train", "--project", "a", "remote", "--dataset", "takes", "--provider", "voicedub",
                                  "--max-minutes", "5"], dir, fake)
        #expect(trained.status == 0, "\(trained.stderr)")
        let remoteID = try #require(fake.voiceIDs.first)

        let file = dir.path("remote.json")
        #expect(try dubkit(["voice", "export", "--project", "a", "voicedub:remote", "-o", file.path], dir, fake).status == 0)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(remoteID) && !text.contains(Self.key), "\(text)")
        #expect(try dubkit(["voice", "import", "--project", "b", file.path], dir, fake).status == 0)

        let audio = dir.path("line.wav")
        try Fixtures.tone(audio, seconds: 1)
        #expect(try dubkit(["dub", "create", "--project", "b", "--voice", "voicedub:remote", "--file", audio.path], dir, fake).status == 0)
        let ran = try dubkit(["--json", "dub", "run", "--project", "b", "--all"], dir, fake)
        #expect(ran.status == 0, "\(ran.stderr)")
        let dubs = try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]]
        let job = try #require(dubs?.first?["providerJobId"] as? String)
        // The dub in project b is made with the voice trained from project a: one clone in all.
        #expect(fake.dub(job)?.voiceID == remoteID)
        #expect(fake.calls(.cloneVoice) == 1)
    }
}
