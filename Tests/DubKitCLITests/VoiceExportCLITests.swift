import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("voice export and import")
struct VoiceExportCLITests {
    @Test("a voice trained in one project is exported, imported into another and dubbed with there")
    func movesBetweenProjects() throws {
        let dir = try TemporaryDirectory()
        let dubkit = WorkspaceCLI(dir: dir)
        for project in ["a", "b"] { #expect(try dubkit(["project", "create", project]).status == 0) }
        let take = dir.path("take.wav")
        _ = try ChildProcess.run("/usr/bin/espeak-ng", ["-v", "en+f3", "-w", take.path, "A voice to be carried from one project to another."])
        #expect(try dubkit(["dataset", "add", "--project", "a", "takes", take.path]).status == 0)
        let trained = try dubkit(["voice", "train", "--project", "a", "carried", "--dataset", "takes"])
        #expect(trained.status == 0, "\(trained.stderr)")

        let file = dir.path("carried.json")
        let exported = try dubkit(["voice", "export", "--project", "a", "local:carried", "-o", file.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        let again = try dubkit(["voice", "export", "--project", "a", "carried", "-o", file.path])
        #expect(again.status == 2 && again.stderr.contains("--force"))
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("\"format\" : \"dubkit-voice\"") && text.contains("\"modelData\""))

        let imported = try dubkit(["voice", "import", "--project", "b", file.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let twice = try dubkit(["voice", "import", "--project", "b", file.path])
        #expect(twice.status == 1 && twice.stderr.contains("already exists"))
        #expect(try dubkit(["voice", "import", "--project", "b", file.path, "--name", "copy"]).status == 0)

        let store = try Workspace(root: dir.path("ws")).openProject("b")
        let voices = try store.voices()
        #expect(voices.map(\.name).sorted() == ["carried", "copy"])
        #expect(voices.allSatisfy { $0.status == .done && $0.modelDataValue != nil })

        let audio = dir.path("source.wav")
        try Fixtures.tone(audio, seconds: 1)
        #expect(try dubkit(["dub", "create", "--project", "b", "--voice", "local:carried", "--file", audio.path]).status == 0)
        let ran = try dubkit(["dub", "run", "--project", "b", "--all"])
        #expect(ran.status == 0, "\(ran.stderr)")

        let bad = dir.path("bad.json")
        try Data("{\"format\": \"something else\"}".utf8).write(to: bad)
        let refused = try dubkit(["voice", "import", "--project", "b", bad.path])
        #expect(refused.status == 2 && refused.stderr.contains("not a voice export"))
    }
}
