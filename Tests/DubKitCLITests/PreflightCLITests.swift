import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// Nothing before validation: `convert` and `dub create` refuse a bad provider, voice, input, output or
/// option (exit 2, naming the field and what to do) before any project, dub or file exists; and
/// `convert --start/--duration` previews a slice.
@Suite("checks before anything is created, and previews")
struct PreflightCLITests {
    private static func dubkit(_ arguments: [String], in dir: TemporaryDirectory) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments + ["--workspace", dir.path("ws").path], currentDirectory: dir.url)
    }

    /// Everything under `dir`, relative paths, sorted.
    private static func files(in dir: TemporaryDirectory) -> [String] {
        (FileManager.default.subpaths(atPath: dir.url.path) ?? []).sorted()
    }

    /// A 16 kHz mono sweep from 200 to 1800 Hz, so every moment of it sounds different.
    private static func sweep(_ url: URL, seconds: Double) throws {
        let made = try ChildProcess.run("/usr/bin/sox", ["-n", "-r", "16000", "-c", "1", "-b", "16", url.path,
                                                         "synth", String(seconds), "sine", "200-1800", "vol", "0.5"])
        #expect(made.status == 0, "\(made.stderr)")
    }

    /// A video with a keyframe every second (10 frames) and a tone.
    private static func video(_ url: URL, seconds: Double, audio: Bool = true) throws {
        let made = try ChildProcess.run("/usr/bin/ffmpeg", ["-nostdin", "-loglevel", "error", "-y",
                                                            "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                                                            "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000",
                                                            "-t", String(seconds), "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p"]
                                        + (audio ? ["-ac", "2", "-c:a", "aac"] : ["-an"]) + [url.path])
        #expect(made.status == 0, "\(made.stderr)")
    }

    @Test("convert refuses each mistake with exit 2, the field and what to do, and leaves no project, dub or file",
          arguments: [
              (["convert", "nofile.mp4", "-o", "out.mp4", "--voice", "local:bright"], "input", "no such file"),
              (["convert", "notes.txt", "-o", "out.wav", "--voice", "local:bright"], "input", "not a media file"),
              (["convert", "silent.mp4", "-o", "out.mp4", "--voice", "local:bright"], "input", "no audio stream"),
              (["convert", "in.wav", "-o", "out.wav", "--voice", "local:brite"], "local:brite", "did you mean 'local:bright'?"),
              (["convert", "in.wav", "-o", "out.wav", "--voice", "nosuch:deep"], "nosuch", "known: "),
              (["convert", "in.wav", "-o", "out.xyz", "--voice", "local:bright"], "-o", "no exporter writes '.xyz'"),
              (["convert", "in.wav", "-o", "missing/out.wav", "--voice", "local:bright"], "-o", "does not exist"),
              (["convert", "in.wav", "-o", "out.mp4", "--voice", "local:bright"], "-o", "no picture"),
              (["convert", "in.wav", "-o", "out.wav", "--reference", "none.flac"], "--reference", "no such file"),
              (["convert", "in.wav", "-o", "out.wav", "--voice", "local:deep", "--start", "9"], "--start", "outside the input"),
              (["convert", "in.wav", "-o", "out.wav", "--voice", "local:deep", "--duration", "0"], "--duration", "above 0"),
              (["convert", "in.wav", "-o", "out.wav", "--voice", "local:deep", "--start", "1:75"], "--start", "mm:ss"),
              (["convert", "in.wav", "-o", "a.wav", "-o", "b.wav", "--voice", "local:deep"], "--output", "takes one value"),
              (["convert", "in.wav", "-o", "a.wav", "--voice", "local:deep", "--voice", "local:warm"], "--voice", "takes one value"),
              (["convert", "in.wav", "-o", "a.wav", "--voice", "local:deep", "--project", "a", "--project", "b"], "--project", "takes one value"),
          ])
    func convertRefuses(arguments: [String], field: String, says: String) throws {
        let dir = try TemporaryDirectory()
        try Fixtures.tone(dir.path("in.wav"), seconds: 2)
        try Data("not media\n".utf8).write(to: dir.path("notes.txt"))
        try Self.video(dir.path("silent.mp4"), seconds: 1, audio: false)
        let before = Self.files(in: dir)
        let result = try Self.dubkit(arguments, in: dir)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(field) && result.stderr.contains(says), "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("hint:") || result.stderr.contains("allowed") || result.stderr.contains("give "),
                "\(arguments): no word on what to do: \(result.stderr)")
        // Not even the workspace folder: no project, no dub, no output.
        #expect(Self.files(in: dir) == before, "\(arguments) left \(Set(Self.files(in: dir)).subtracting(before).sorted())")
    }

    @Test("dub create refuses a missing file, an unknown voice and --separate with the local engine; no dub is created",
          arguments: [
              (["--voice", "local:deep", "--file", "nofile.wav"], "--file", "no such file"),
              (["--voice", "local:warn", "--file", "in.wav"], "local:warn", "did you mean 'local:warm'?"),
              (["--voice", "local:deep", "--file", "in.wav", "--separate"], "--separate", "voicedub"),
              (["--voice", "local:deep", "--file", "a.wav", "--file", "in.wav"], "--file", "takes one value"),
              (["--voice", "local:deep", "--link", "https://a.org/a.mp4", "--link", "https://a.org/b.mp4"], "--link", "takes one value"),
          ])
    func dubCreateRefuses(arguments: [String], field: String, says: String) throws {
        let dir = try TemporaryDirectory()
        try Fixtures.tone(dir.path("in.wav"), seconds: 1)
        #expect(try Self.dubkit(["project", "create", "p"], in: dir).status == 0)
        let result = try Self.dubkit(["dub", "create", "--project", "p"] + arguments, in: dir)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(field) && result.stderr.contains(says), "\(arguments): \(result.stderr)")
        let listed = try Self.dubkit(["dub", "list", "--project", "p", "--json"], in: dir)
        #expect(listed.stdout.filter { !$0.isWhitespace } == "[]", "a dub was created: \(listed.stdout)")
        // Put right, the same command creates the dub.
        #expect(try Self.dubkit(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", "in.wav"], in: dir).status == 0)
    }

    @Test("convert --start --duration writes that slice: its length, and the input's samples from --start")
    func previewAudio() throws {
        let dir = try TemporaryDirectory()
        let input = dir.path("sweep.wav")
        try Self.sweep(input, seconds: 6)
        let out = dir.path("preview.wav")
        let result = try Self.dubkit(["convert", input.path, "-o", out.path, "--voice", "local:deep",
                                      "--start", "0:02.5", "--duration", "1.5"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let length = try #require(try MediaProbe.probe(out).durationSeconds)
        #expect(abs(length - 1.5) <= 0.1, "preview lasts \(length) s")

        // The dub's input is the slice: the sweep's samples from 2.5 s on, not those a little before or after.
        let shown = try Self.dubkit(["dub", "show", "--project", "default", "1", "--json"], in: dir)
        let dub = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let slice = try TestAudio.samples(URL(fileURLWithPath: try #require(dub["source"] as? String)), rate: 16_000).samples
        let whole = try TestAudio.samples(input, rate: 16_000).samples
        #expect(abs(Double(slice.count) / 16_000 - 1.5) < 0.01, "slice of \(slice.count) samples")
        func difference(from second: Double) -> Float {
            let first = Int(second * 16_000)
            return zip(slice.prefix(8000), whole[first...]).map { abs($0 - $1) }.max() ?? 1
        }
        #expect(difference(from: 2.5) < 0.001, "the slice is not the input from 2.5 s")
        #expect(difference(from: 2.45) > 0.05 && difference(from: 2.55) > 0.05)

        // The same preview again continues its dub; the whole conversion to the same file is another dub.
        let again = try Self.dubkit(["convert", input.path, "-o", out.path, "--voice", "local:deep",
                                     "--start", "2.5", "--duration", "1.5", "--force"], in: dir)
        #expect(again.status == 0 && again.stderr.contains("continuing dub 1"), "\(again.stderr)")
        let whole2 = try Self.dubkit(["convert", input.path, "-o", out.path, "--voice", "local:deep", "--force", "--json"], in: dir)
        #expect(whole2.status == 0, "\(whole2.stderr)")
        #expect(abs((try MediaProbe.probe(out).durationSeconds ?? 0) - 6) <= 0.1)
        let dubs = try Self.dubkit(["dub", "list", "--project", "default", "--json"], in: dir)
        #expect((try JSONSerialization.jsonObject(with: Data(dubs.stdout.utf8)) as? [Any])?.count == 2)
    }

    @Test("a video preview cuts the picture too: from the keyframe at --start, --duration long")
    func previewVideo() throws {
        let dir = try TemporaryDirectory()
        let input = dir.path("in.mp4")
        try Self.video(input, seconds: 6)
        let out = dir.path("preview.mp4")
        let result = try Self.dubkit(["convert", input.path, "-o", out.path, "--voice", "local:deep",
                                      "--start", "2", "--duration", "2"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let info = try MediaProbe.probe(out)
        let video = try #require(info.streams.first { $0.kind == .video }?.durationSeconds)
        let audio = try #require(info.audioStreams.first?.durationSeconds)
        #expect(abs(video - 2) <= 0.1 && abs(audio - 2) <= 0.1, "video \(video) s, audio \(audio) s")
        // Between keyframes the preview starts at the one before, and says so.
        let between = try Self.dubkit(["convert", input.path, "-o", dir.path("p2.mp4").path, "--voice", "local:deep",
                                       "--start", "2.5", "--duration", "2"], in: dir)
        #expect(between.status == 0 && between.stderr.contains("keyframe before 2.50 s"), "\(between.stderr)")
    }
}
