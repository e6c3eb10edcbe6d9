import DubKitTestSupport
import Foundation
import Testing

/// `dataset add`, `validate` and `prepare` against the real descriptors' rules (VoiceDub: 1 to 5
/// files, 5 to 60 training minutes and a total within them; the local engine: 1 to 200 files).
@Suite("dataset rules through the command line", .serialized)
struct DatasetRulesCLITests {
    let dir: TemporaryDirectory
    let environment: [String: String]

    init() throws {
        dir = try TemporaryDirectory()
        environment = ["DUBKIT_WORKSPACE": dir.path("ws").path]
    }

    func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
    }

    /// `count` takes of espeak-ng speech with pauses, each `seconds` long, at 16 kHz.
    func takes(_ count: Int, seconds: Int) throws -> [String] {
        let line = dir.path("line.wav").path
        #expect(try ChildProcess.run("/usr/bin/espeak-ng", ["-w", line, "Every take of the dataset says this line, then pauses."]).status == 0)
        return try (1...count).map { index in
            let take = dir.path("take\(index).flac").path
            let made = try ChildProcess.run("/usr/bin/ffmpeg", [
                "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", line, "-af", "apad=pad_dur=1,volume=-\(index)dB",
                "-ar", "16000", "-t", String(seconds), take,
            ])
            #expect(made.status == 0, "\(made.stderr)")
            return take
        }
    }

    @Test("VoiceDub's rules are named file by file and rule by rule; prepare makes a copy that passes them")
    func voiceDubRules() throws {
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        let files = try takes(7, seconds: 55)
        #expect(try dubkit(["dataset", "add", "--project", "p", "raw"] + files).status == 0)

        let tooMany = try dubkit(["dataset", "validate", "--project", "p", "raw", "--provider", "voicedub", "--max-minutes", "5"])
        #expect(tooMany.status == 1)
        #expect(tooMany.stdout.contains("7 files") && tooMany.stdout.contains("file-count"), "\(tooMany.stdout)")
        #expect(tooMany.stdout.contains("total-duration"), "6.4 minutes of audio for 5 training minutes: \(tooMany.stdout)")
        let outOfRange = try dubkit(["dataset", "validate", "--project", "p", "raw", "--provider", "voicedub", "--max-minutes", "70"])
        #expect(outOfRange.status == 1 && outOfRange.stdout.contains("max-minutes"), "\(outOfRange.stdout)")
        // The local engine takes up to 200 files.
        let local = try dubkit(["dataset", "validate", "--project", "p", "raw", "--provider", "local"])
        #expect(local.status == 0, "\(local.stdout)\(local.stderr)")

        let prepared = try dubkit(["dataset", "prepare", "--project", "p", "raw", "--provider", "voicedub", "--max-minutes", "5", "--json"])
        #expect(prepared.status == 0, "\(prepared.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(prepared.stdout.utf8)) as? [String: Any]
        let made = result?["files"] as? [[String: Any]] ?? []
        #expect((1...5).contains(made.count), "\(made.count) files")
        let seconds = made.compactMap { $0["durationSeconds"] as? Double }.reduce(0, +)
        #expect(seconds <= 300 && seconds > 200, "\(seconds) s")
        let passes = try dubkit(["dataset", "validate", "--project", "p", "raw-voicedub", "--provider", "voicedub", "--max-minutes", "5"])
        #expect(passes.status == 0, "\(passes.stdout)")
        // The originals are as they were.
        let shown = try dubkit(["dataset", "show", "--project", "p", "raw", "--json"])
        let original = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        #expect((original?["files"] as? [[String: Any]])?.count == 7)
    }

    @Test("add: the same audio twice is kept once and said so; a file that cannot be read leaves no new dataset")
    func addEdges() throws {
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        let files = try takes(1, seconds: 5)
        let copy = dir.path("copy.flac")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: files[0]), to: copy)
        let added = try dubkit(["dataset", "add", "--project", "p", "d", files[0], copy.path])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("copy.flac: already in dataset d (same audio as take1.flac); kept once"), "\(added.stdout)")
        let json = try dubkit(["--json", "dataset", "add", "--project", "p", "d", copy.path])
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.first?["alreadyPresent"] as? Bool == true)

        let bad = dir.path("notes.wav")
        try Data("not audio at all".utf8).write(to: bad)
        let refused = try dubkit(["dataset", "add", "--project", "p", "fresh", bad.path])
        #expect(refused.status == 1)
        let listed = try dubkit(["--json", "dataset", "list", "--project", "p"])
        #expect(!listed.stdout.contains("\"fresh\""), "an empty dataset was left: \(listed.stdout)")

        let empty = try dubkit(["dataset", "create", "--project", "p", "empty"])
        #expect(empty.status == 0, "\(empty.stderr)")
        let prepared = try dubkit(["dataset", "prepare", "--project", "p", "empty", "--provider", "local"])
        #expect(prepared.status != 0 && prepared.stderr.contains("dataset add"), "\(prepared.stderr)")
    }
}
