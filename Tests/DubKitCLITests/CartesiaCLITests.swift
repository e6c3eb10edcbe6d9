import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeCartesia
import Foundation
import Testing

/// The built `dubkit` against the fake Cartesia, configured as a user would: variables only.
@Suite("dubkit with Cartesia")
struct CartesiaCLITests {
    static let key = "sk_car_cli_6f2a9d0e41"

    private func dubkit(_ arguments: [String], _ dir: TemporaryDirectory, _ environment: [String: String]) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", ["--workspace", dir.path("ws").path] + arguments, environment: environment, currentDirectory: dir.url)
    }

    @Test("voice list follows the pages; provider check; a dataset of speech trains a voice through a kill -9; a streamed dub uses it")
    func cartesiaTrainingAndDub() throws {
        let fake = try FakeCartesia(options: .init(apiKey: Self.key, voices: 23, fineTuneQueued: .milliseconds(800),
                                                   fineTuneTraining: .milliseconds(1200)))
        let dir = try TemporaryDirectory()
        let env = ["CARTESIA_BASE_URL": fake.baseURL.absoluteString, "CARTESIA_API_KEY": Self.key,
                   "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_CONFIG_DIR": dir.path("config").path]

        let listed = try dubkit(["voice", "list", "--provider", "cartesia", "--all", "--json", "--limit", "10"], dir, env)
        #expect(listed.status == 0, "\(listed.stderr)")
        let page = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        #expect((page["voices"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == fake.library.map(\.id))
        #expect(fake.calls(.listVoices) == 3)
        let checked = try dubkit(["provider", "check", "cartesia"], dir, env)
        #expect(checked.status == 0 && checked.stdout.contains("reachable, credits not reported"), "\(checked.stdout) \(checked.stderr)")

        #expect(try dubkit(["project", "create", "films"], dir, env).status == 0)
        var takes: [String] = []
        for index in 0..<4 {
            let take = dir.path("take\(index).wav")
            let spoken = dir.path("spoken\(index).wav")
            #expect(try ChildProcess.run("/usr/bin/espeak-ng", ["-w", spoken.path, "Take \(index) of the narrator reading slowly."]).status == 0)
            // Looped to 8 minutes at 8 kHz: 32 minutes in all, cheap to store and send.
            let once = try MediaProbe.probe(spoken).durationSeconds ?? 2
            let looped = try ChildProcess.run("/usr/bin/sox", [spoken.path, "-r", "8000", "-c", "1", "-b", "16", take.path,
                                                               "repeat", String(Int((480 / once).rounded(.up)))])
            #expect(looped.status == 0, "\(looped.stderr)")
            takes.append(take.path)
        }
        let added = try dubkit(["dataset", "add", "--project", "films", "narrator"] + takes, dir, env)
        #expect(added.status == 0, "\(added.stderr)")
        let valid = try dubkit(["dataset", "validate", "--project", "films", "narrator", "--provider", "cartesia"], dir, env)
        #expect(valid.status == 0, "\(valid.stdout) \(valid.stderr)")

        // Killed with SIGKILL once the fine-tune is about to be sent; `voice run` finishes it.
        let training = try ChildProcess("dubkit", ["--workspace", dir.path("ws").path, "voice", "train", "--project", "films", "narrator",
                                                   "--dataset", "narrator", "--provider", "cartesia", "--param", "language=en",
                                                   "--param", "description=Our narrator"],
                                        environment: env, currentDirectory: dir.url)
        #expect(training.waitForOutput(": training", inStderr: true, timeout: 60))
        training.killHard()
        _ = training.wait()
        let resumed = try dubkit(["voice", "run", "--project", "films", "--all"], dir, env)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(fake.datasets.count == 1 && fake.fineTunes.count == 1, "\(fake.fineTunes.count) fine-tunes")
        let datasetID = try #require(fake.datasets.first?.id)
        #expect(fake.uploads(in: datasetID).count == 4 && fake.uploads(in: datasetID).values.allSatisfy { $0 == 1 })
        #expect(fake.fineTunes.first?.language == "en" && fake.fineTunes.first?.description == "Our narrator")
        let voices = try dubkit(["--json", "voice", "list", "--project", "films"], dir, env)
        let listedVoices = try #require(try JSONSerialization.jsonObject(with: Data(voices.stdout.utf8)) as? [[String: Any]])
        #expect(listedVoices.first?["name"] as? String == "narrator" && listedVoices.first?["status"] as? String == "done", "\(voices.stdout)")

        let video = dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 2)
        let refused = try dubkit(["dub", "create", "--project", "films", "--voice", "cartesia:narrator", "--file", video.path,
                                  "--param", "sample_rate=96000"], dir, env)
        #expect(refused.status != 0 && refused.stderr.contains("sample_rate"), "\(refused.stderr)")
        let created = try dubkit(["dub", "create", "--project", "films", "--voice", "cartesia:narrator", "--file", video.path,
                                  "--param", "stream=true", "--param", "encoding=pcm_f32le", "--param", "sample_rate=24000"], dir, env)
        #expect(created.status == 0, "\(created.stderr)")
        let ran = try dubkit(["--json", "--verbose", "dub", "run", "--project", "films", "--all"], dir, env)
        #expect(ran.status == 0, "\(ran.stderr)")
        let dubs = try #require(try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]])
        #expect(dubs.first?["status"] as? String == "done", "\(ran.stdout)")
        #expect((30...32).contains(dubs.first?["creditsUsed"] as? Int ?? 0), "2 s at 15 characters a second")
        let sent = try #require(fake.conversions.first)
        #expect(sent.streamed && sent.voiceID == fake.fineTunes.first?.voiceID)
        #expect(sent.fields["output_format[encoding]"] == "pcm_f32le" && sent.fields["output_format[sample_rate]"] == "24000")
        for output in [listed, checked, added, resumed, ran] {
            #expect(!output.stderr.contains(Self.key) && !output.stdout.contains(Self.key))
        }
        #expect(ran.stderr.contains("Authorization: ***"), "the verbose HTTP log shows the key masked")
    }
}
