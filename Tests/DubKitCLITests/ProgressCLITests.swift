import DubKitTestSupport
import Foundation
import Testing

/// Progress is drawn as a bar redrawn in place when stderr is a terminal, written as plain lines
/// otherwise, and left out with --json.
@Suite("progress display", .serialized)
struct ProgressCLITests {
    private let dubkit = ChildProcess.productsDirectory.appendingPathComponent("dubkit").path

    /// A 30 s tone, long enough for every tenth of the work to be reported.
    private func longTone(in dir: TemporaryDirectory, name: String = "long.wav") throws -> URL {
        let url = dir.path(name)
        try Fixtures.tone(url, seconds: 30, frequency: 330, rate: 44_100)
        return url
    }

    /// The percentages of the plain lines that start with `label`, in order (the first word ending in %).
    private func percentages(_ text: String, label: String) -> [Int] {
        text.split(separator: "\n").filter { $0.hasPrefix(label + " ") }.compactMap { line in
            line.dropFirst(label.count).split(separator: " ").first { $0.hasSuffix("%") }.flatMap { Int($0.dropLast()) }
        }
    }

    @Test("off a terminal: a line at each tenth, in order, up to 100%; nothing with --json")
    func plainLines() throws {
        let dir = try TemporaryDirectory()
        let input = try longTone(in: dir)
        let plain = try ChildProcess.run(dubkit, ["media", "extract", input.path, "-o", dir.path("a.flac").path])
        #expect(plain.status == 0, "\(plain.stderr)")
        let steps = percentages(plain.stderr, label: "extracting")
        #expect(steps.count >= 5 && steps == steps.sorted() && steps.last == 100, "\(plain.stderr)")
        #expect(!plain.stderr.contains("\r"))

        let quiet = try ChildProcess.run(dubkit, ["--json", "media", "extract", input.path, "-o", dir.path("b.flac").path])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    @Test("export and dataset add report their progress too")
    func exportAndDataset() throws {
        let dir = try TemporaryDirectory()
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path]
        let input = try longTone(in: dir)
        #expect(try ChildProcess.run(dubkit, ["project", "create", "p"], environment: environment).status == 0)
        // A FLAC is decoded into the store (a WAV already at 44.1 kHz would be stored as it is).
        let recording = try longTone(in: dir, name: "take.flac")
        let added = try ChildProcess.run(dubkit, ["dataset", "add", "--project", "p", "d", recording.path], environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(percentages(added.stderr, label: "extracting take.flac").last == 100, "\(added.stderr)")

        #expect(try ChildProcess.run(dubkit, ["dub", "create", "--project", "p", "--voice", "local:deep", "--file", input.path],
                                     environment: environment).status == 0)
        #expect(try ChildProcess.run(dubkit, ["dub", "run", "--project", "p", "1"], environment: environment).status == 0)
        let exported = try ChildProcess.run(dubkit, ["export", "--project", "p", "1", "-o", dir.path("dub.flac").path],
                                            environment: environment)
        #expect(exported.status == 0, "\(exported.stderr)")
        // Each phase has its lines: the loudness first, then the writing, each up to 100%.
        for phase in ["levelling loudness", "writing the audio"] {
            let steps = percentages(exported.stderr, label: phase)
            #expect(steps.count >= 2 && steps == steps.sorted() && steps.last == 100, "\(phase): \(exported.stderr)")
        }
        let levelling = try #require(exported.stderr.range(of: "levelling loudness 100%"))
        let writing = try #require(exported.stderr.range(of: "writing the audio 100%"))
        #expect(levelling.lowerBound < writing.lowerBound)
        // The last line sums up: seconds of audio, the time it took, the speed and the file.
        let summary = try #require(exported.stderr.split(separator: "\n").last)
        #expect(summary.hasPrefix("exported 30.0 s in ") && summary.contains("x real time) → ") && summary.hasSuffix("dub.flac"),
                "\(summary)")
        let quiet = try ChildProcess.run(dubkit, ["--json", "export", "--project", "p", "1", "-o", dir.path("q.flac").path],
                                         environment: environment)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        // -q: the phases, the note and the summary are all left out; the file is written.
        let hushed = try ChildProcess.run(dubkit, ["export", "--project", "p", "1", "-o", dir.path("h.flac").path, "-q"],
                                          environment: environment)
        #expect(hushed.status == 0 && hushed.stderr.isEmpty, "\(hushed.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path("h.flac").path))
    }

    @Test("on a terminal: one bar redrawn in place")
    func terminalBar() throws {
        let dir = try TemporaryDirectory()
        let input = try longTone(in: dir)
        // script(1) runs the command on a pseudo-terminal and copies what it drew to its stdout.
        let command = [dubkit, "media", "extract", input.path, "-o", dir.path("t.flac").path].map { "'\($0)'" }.joined(separator: " ")
        let drawn = try ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["TERM": "xterm"])
        #expect(drawn.status == 0, "\(drawn.stdout)")
        #expect(drawn.stdout.contains("\rextracting [") && drawn.stdout.contains("] 100%"), "\(drawn.stdout.debugDescription)")
        #expect(drawn.stdout.contains("[" + String(repeating: "#", count: 24) + "]"))
        #expect(!drawn.stdout.contains("extracting 10%\n"), "plain lines on a terminal")
    }

    @Test("on a terminal, an export shows each phase with its bar, percent and speed, then a summary")
    func exportOnTerminal() throws {
        let dir = try TemporaryDirectory()
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path]
        let video = dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 40, frequency: 220)
        #expect(try ChildProcess.run(dubkit, ["project", "create", "p"], environment: environment).status == 0)
        #expect(try ChildProcess.run(dubkit, ["dub", "create", "--project", "p", "--voice", "local:deep", "--file", video.path],
                                     environment: environment).status == 0)
        let ran = try ChildProcess.run(dubkit, ["dub", "run", "--project", "p", "1"], environment: environment)
        #expect(ran.status == 0, "\(ran.stderr)")
        let output = dir.path("talk.es.mp4")
        let command = [dubkit, "export", "--project", "p", "1", "-o", output.path, "--language", "spa"].map { "'\($0)'" }.joined(separator: " ")
        let drawn = try ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"],
                                         environment: environment.merging(["TERM": "xterm"]) { $1 })
        #expect(drawn.status == 0, "\(drawn.stdout)")
        let screen = drawn.stdout
        // Each phase redrawn in place with its bar and percentage, to a full bar.
        for phase in ["levelling loudness", "writing the video"] {
            #expect(screen.contains("\r\(phase) ["), "\(phase): \(screen.debugDescription)")
            #expect(screen.contains("\(phase) [" + String(repeating: "#", count: 24) + "] 100%"), "\(screen.debugDescription)")
        }
        // Speed in real time once it can be told, and no plain lines on a terminal.
        #expect(screen.range(of: #"writing the video \[[#-]+\] +\d+%  \d+(\.\d)?x real time"#, options: .regularExpression) != nil,
                "\(screen.debugDescription)")
        #expect(!screen.contains("writing the video 10%\r\n") && !screen.contains("writing the video 10%\n"))
        #expect(screen.contains("exported 40.0 s in ") && screen.contains("→ \(output.path)"), "\(screen.debugDescription)")
    }

    @Test("on a terminal, the batch board shows a local conversion's percentage")
    func boardPercent() throws {
        let dir = try TemporaryDirectory()
        let environment = ["DUBKIT_WORKSPACE": dir.path("ws").path]
        let input = dir.path("long.wav")
        try Fixtures.tone(input, seconds: 90, frequency: 220, rate: 44_100)
        #expect(try ChildProcess.run(dubkit, ["project", "create", "p"], environment: environment).status == 0)
        #expect(try ChildProcess.run(dubkit, ["dub", "create", "--project", "p", "--voice", "local:deep", "--file", input.path],
                                     environment: environment).status == 0)
        let command = [dubkit, "dub", "run", "--project", "p", "1"].map { "'\($0)'" }.joined(separator: " ")
        let drawn = try ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"],
                                         environment: environment.merging(["TERM": "xterm"]) { $1 })
        #expect(drawn.status == 0, "\(drawn.stdout)")
        #expect(drawn.stdout.range(of: #"dub 1  \[[#-]+\]  \w+ +local:deep  converting \d+%"#, options: .regularExpression) != nil,
                "\(drawn.stdout.debugDescription)")
    }
}
