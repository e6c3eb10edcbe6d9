import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("dubkit voice run")
struct VoiceRunCLITests {
    @Test("a training left at `new` by an interrupted `voice train` is finished by `voice run`, once")
    func continuesATraining() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        let dubkit = WorkspaceCLI(dir: dir)
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        let take = dir.path("take.wav")
        try Fixtures.tone(take, seconds: 2, frequency: 180)
        #expect(try dubkit(["dataset", "add", "--project", "p", "takes", take.path]).status == 0)

        // What `voice train` records before it reaches the provider.
        let store = try Workspace(root: ws).openProject("p")
        let dataset = try store.dataset(named: "takes")
        _ = try store.createVoice(Voice(providerID: "local", name: "me", datasetID: dataset.id))

        let unknown = try dubkit(["voice", "run", "--project", "p", "nobody"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("nobody"))

        let ran = try dubkit(["voice", "run", "--project", "p", "--all", "--json"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let voices = try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]]
        #expect(voices?.first?["status"] as? String == "done")
        let trained = try #require(try store.voices().first)
        #expect(trained.status == .done && trained.modelDataValue != nil)
        #expect(try store.lastAttempt(.train, voice: #require(trained.id))?.outcome == .succeeded)

        let nothing = try dubkit(["voice", "run", "--project", "p", "--all"])
        #expect(nothing.status == 0)
        #expect(nothing.stdout.contains("no voices to run"))
    }
}
