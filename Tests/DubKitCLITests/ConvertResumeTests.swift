import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// `dubkit convert` interrupted and run again: the same command continues the same dub, and its paid
/// step is sent once.
@Suite("convert resumes")
struct ConvertResumeTests {
    static let key = "vdk-convert-41aa"

    @Test("a video whose audio stops 2 s before its picture is refused at dub create and convert, with no call to the provider")
    func shortAudioIsRefusedUnpaid() throws {
        let dir = try TemporaryDirectory()
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 1_000_000))
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path, "VOICEDUB_BASE_URL": fake.baseURL.absoluteString,
                           "VOICEDUB_API_KEY": Self.key, "DUBKIT_CONFIG_DIR": dir.path("config").path]
        let voice = try #require(fake.publicVoices.first?.id)
        let video = dir.path("short.mp4")
        try Fixtures.video(video, seconds: 4, audioSeconds: 2)
        #expect(try ChildProcess.run("dubkit", ["project", "create", "p"], environment: environment).status == 0)
        let created = try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "voicedub:\(voice)",
                                                      "--file", video.path], environment: environment)
        #expect(created.status != 0)
        #expect(created.stderr.contains("short.mp4: its audio lasts 2.0 s and its picture 4.0 s"), "\(created.stderr)")
        let converted = try ChildProcess.run("dubkit", ["convert", video.path, "-o", dir.path("out.mp4").path,
                                                        "--voice", "voicedub:\(voice)", "--project", "p"], environment: environment)
        #expect(converted.status != 0)
        #expect(converted.stderr.contains("media extract"), "\(converted.stderr)")
        #expect(FakeVoiceDub.Operation.allCases.map { fake.calls($0) }.reduce(0, +) == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.mp4").path))
        // The same video with its audio whole goes through.
        let whole = dir.path("whole.mp4")
        try Fixtures.video(whole, seconds: 4)
        #expect(try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", "voicedub:\(voice)",
                                                "--file", whole.path], environment: environment).status == 0)
    }

    @Test("voice ids no provider accepts are refused at dub create and convert, before any request",
          arguments: [("kits:abc", "a Kits voice model id"), ("cartesia:../x", "a Cartesia voice id"),
                      ("elevenlabs:../../x", "an ElevenLabs voice id"), ("voicedub:../x", "a VoiceDub voice id")])
    func voiceIDForms(voice: String, words: String) throws {
        let dir = try TemporaryDirectory()
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 1_000_000))
        // Every service at the fake's address: any request would show in its calls or fail on its path.
        let base = fake.baseURL.absoluteString
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path, "DUBKIT_CONFIG_DIR": dir.path("config").path,
                           "VOICEDUB_BASE_URL": base, "KITS_BASE_URL": base, "CARTESIA_BASE_URL": base, "ELEVENLABS_BASE_URL": base,
                           "VOICEDUB_API_KEY": Self.key, "KITS_API_KEY": "k", "CARTESIA_API_KEY": "k", "ELEVENLABS_API_KEY": "k"]
        let input = dir.path("talk.wav")
        try Fixtures.tone(input, seconds: 1)
        #expect(try ChildProcess.run("dubkit", ["project", "create", "p"], environment: environment).status == 0)
        let created = try ChildProcess.run("dubkit", ["dub", "create", "--project", "p", "--voice", voice, "--file", input.path],
                                           environment: environment)
        #expect(created.status != 0 && created.stderr.contains(words), "\(created.stderr)")
        let converted = try ChildProcess.run("dubkit", ["convert", input.path, "-o", dir.path("out.wav").path, "--voice", voice,
                                                        "--project", "p"], environment: environment)
        #expect(converted.status != 0 && converted.stderr.contains(words), "\(converted.stderr)")
        #expect(FakeVoiceDub.Operation.allCases.map { fake.calls($0) }.reduce(0, +) == 0)
        #expect(try Workspace(root: dir.path("ws")).openProject("p").dubs().isEmpty)
    }

    @Test("convert interrupted (SIGKILL, SIGINT) after its paid step and run again: one dub, one paid call; --new starts another",
          arguments: [SIGKILL, SIGINT])
    func interruptedConvert(signal: Int32) throws {
        let dir = try TemporaryDirectory()
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 1_000_000, stageDuration: .milliseconds(300)))
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path, "VOICEDUB_BASE_URL": fake.baseURL.absoluteString,
                           "VOICEDUB_API_KEY": Self.key, "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_CONFIG_DIR": dir.path("config").path]
        let voice = try #require(fake.publicVoices.first?.id)
        let input = dir.path("talk.wav")
        try Fixtures.tone(input, seconds: 2)
        let arguments = ["convert", input.path, "-o", dir.path("talk-dubbed.wav").path, "--voice", "voicedub:\(voice)", "--project", "p"]
        let first = try ChildProcess("dubkit", arguments, environment: environment)
        let deadline = Date().addingTimeInterval(30)
        while fake.calls(.generateDub) == 0 && Date() < deadline && first.isRunning { Thread.sleep(forTimeInterval: 0.005) }
        #expect(fake.calls(.generateDub) == 1)
        first.signal(signal)
        #expect(first.wait().status != 0)

        let again = try ChildProcess.run("dubkit", arguments, environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("continuing dub 1"), "\(again.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("talk-dubbed.wav").path))
        let store = try Workspace(root: dir.path("ws")).openProject("p")
        #expect(try store.dubs().count == 1)
        #expect(fake.calls(.generateDub) == 1)

        // Done: a third run (replacing the output: --force) exports again without converting; --new converts anew.
        #expect(try ChildProcess.run("dubkit", arguments + ["--force"], environment: environment).status == 0)
        #expect(try store.dubs().count == 1 && fake.calls(.generateDub) == 1)
        #expect(try ChildProcess.run("dubkit", arguments + ["--new", "--force"], environment: environment).status == 0)
        #expect(try store.dubs().count == 2 && fake.calls(.generateDub) == 2)
    }
}
