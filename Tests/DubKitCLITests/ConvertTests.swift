import DubKit
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// Runs the built `dubkit` with the workspace `ws`.
private func dubkit(_ arguments: [String], _ ws: URL) throws -> ChildProcess.Result {
    try ChildProcess.run("dubkit", arguments + ["--workspace", ws.path])
}

@Suite("dubkit convert and the local engine")
struct ConvertTests {
    static let sample = Fixtures.repository.appendingPathComponent("Samples/sample.mp4")
    static let dataset = ["take1", "take2", "take3"].map {
        Fixtures.repository.appendingPathComponent("Samples/dataset/\($0).flac").path
    }

    @Test("convert with a built-in voice writes the dubbed video: video untouched, one default dubbed track")
    func convertBuiltIn() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("dubbed.mp4")
        let result = try dubkit(["convert", Self.sample.path, "-o", out.path, "--voice", "local:bright", "--json"], dir.path("ws"))
        #expect(result.status == 0, "\(result.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(record["format"] as? String == "mp4")
        #expect((record["fileHash"] as? String)?.count == 64)

        let source = try MediaProbe.probe(Self.sample)
        let dubbed = try MediaProbe.probe(out)
        #expect(dubbed.streams.filter { $0.kind == .video }.map(\.codecName) == ["h264"])
        let audio = dubbed.audioStreams
        #expect(audio.count == 1 && audio.first?.isDefault == true && audio.first?.language == "eng")
        #expect(abs((dubbed.durationSeconds ?? 0) - (source.durationSeconds ?? 0)) < 0.1)

        // The dub and the export are in the default project.
        let dubs = try dubkit(["dub", "list", "--project", "default", "--json"], dir.path("ws"))
        #expect(dubs.stdout.contains("\"status\" : \"done\"") && dubs.stdout.contains("\"voiceRef\" : \"bright\""))
        #expect(try dubkit(["project", "show", "default", "--json"], dir.path("ws")).stdout.contains("\"exports\" : 1"))
    }

    @Test("the main job: train a voice from the sample dataset, dub the sample with it, audio out too")
    func trainAndConvert() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        #expect(try dubkit(["project", "create", "demo"], ws).status == 0)
        #expect(try dubkit(["dataset", "add", "--project", "demo", "narrator"] + Self.dataset, ws).status == 0)
        let trained = try dubkit(["voice", "train", "--project", "demo", "narrator", "--dataset", "narrator", "--provider", "local"], ws)
        #expect(trained.status == 0, "\(trained.stderr)")
        #expect(trained.stdout.contains("voice local:narrator: done"))
        let voices = try dubkit(["voice", "list", "--project", "demo", "--json"], ws).stdout
        #expect(voices.contains("\"status\" : \"done\"") && voices.contains("\"datasetHash\""))
        // Training again finds the voice done and does nothing.
        #expect(try dubkit(["voice", "train", "--project", "demo", "narrator", "--dataset", "narrator"], ws).status == 0)

        let wav = dir.path("dubbed.wav")
        let converted = try dubkit(["convert", Self.sample.path, "-o", wav.path, "--voice", "local:narrator", "--project", "demo"], ws)
        #expect(converted.status == 0, "\(converted.stderr)")
        let info = try MediaProbe.probe(wav)
        #expect(info.formatName == "wav" && info.streams.count == 1)
        #expect(abs((info.durationSeconds ?? 0) - (try MediaProbe.probe(Self.sample).durationSeconds ?? 0)) < 0.05)
    }

    @Test("convert towards a reference recording; bad input and bad voice fail with clear errors")
    func referenceAndErrors() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        let out = dir.path("ref.flac")
        let converted = try dubkit(["convert", Self.sample.path, "-o", out.path, "--reference", Self.dataset[0]], ws)
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(try MediaProbe.probe(out).formatName == "flac")

        let unknown = try dubkit(["convert", Self.sample.path, "-o", dir.path("x.mp4").path, "--voice", "local:nobody"], ws)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("voice_not_found") && unknown.stderr.contains("bright"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.mp4").path))
        let both = try dubkit(["convert", Self.sample.path, "-o", dir.path("y.mp4").path, "--voice", "local:deep",
                               "--reference", Self.dataset[0]], ws)
        #expect(both.status == 2)
        let strength = try dubkit(["convert", Self.sample.path, "-o", dir.path("z.mp4").path, "--voice", "local:deep",
                                   "--strength", "1.5"], ws)
        #expect(strength.status == 2)
        #expect(strength.stderr.contains("conversionStrength = 1.5"))
    }
}
