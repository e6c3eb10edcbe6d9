import Crypto
import DubKit
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// Runs the built `dubkit` with the workspace `ws`.
private func dubkit(_ arguments: [String], _ ws: URL) throws -> ChildProcess.Result {
    try ChildProcess.run("dubkit", arguments + ["--workspace", ws.path])
}

private func sha256(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}

@Suite("dubkit convert and the local engine")
struct ConvertTests {
    static let sample = Fixtures.repository.appendingPathComponent("Samples/sample.mp4")
    static let dataset = ["take1", "take2", "take3"].map {
        Fixtures.repository.appendingPathComponent("Samples/dataset/\($0).flac").path
    }
    /// The median F0 of `local:bright`, as the engine's presets define it.
    static let brightF0 = 210.0

    /// The sample's median F0 (espeak-ng m3, about 104 Hz) by the tests' own tracker, checked to be far from
    /// `target` so that a converter which did nothing could not pass.
    static func sourceF0(farFrom target: Double) throws -> Double {
        let f0 = try CorrelationPitchTracker.median(sample).f0
        #expect(abs(TestAudio.cents(f0, over: target)) >= 600, "the sample's \(f0) Hz is too close to \(target) Hz to tell")
        return f0
    }

    /// The converted WAVs the local engine keeps in the workspace's state folder (none once dubs are stored).
    static func leftoverResults(_ ws: URL) throws -> [String] {
        let state = ws.appendingPathComponent(".dubkit/state/local")
        return try FileManager.default.contentsOfDirectory(atPath: state.path).filter { $0.hasSuffix(".wav") }
    }

    @Test("convert with a built-in voice writes the dubbed video: video untouched, one default dubbed track, bright's pitch")
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

        // The speech now has the preset's pitch.
        let before = try Self.sourceF0(farFrom: Self.brightF0)
        let after = try CorrelationPitchTracker.median(out).f0
        print("convert --voice local:bright: median F0 \(before) → \(after) Hz, preset \(Self.brightF0) Hz")
        #expect(abs(TestAudio.cents(after, over: Self.brightF0)) <= 50)

        // The dub and the export are in the default project; the engine kept no copy of the result.
        let dubs = try dubkit(["dub", "list", "--project", "default", "--json"], dir.path("ws"))
        #expect(dubs.stdout.contains("\"status\" : \"done\"") && dubs.stdout.contains("\"voiceRef\" : \"bright\""))
        #expect(try dubkit(["project", "show", "default", "--json"], dir.path("ws")).stdout.contains("\"exports\" : 1"))
        #expect(try Self.leftoverResults(dir.path("ws")).isEmpty)
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
        // Training again finds the voice done and does nothing.
        #expect(try dubkit(["voice", "train", "--project", "demo", "narrator", "--dataset", "narrator"], ws).status == 0)

        // The stored voice: the hash of exactly the dataset's recordings, and a profile of this engine's version
        // whose pitch is the dataset's.
        let store = try Workspace(root: ws).openProject("demo")
        let voice = try #require(try store.voices(provider: "local").first { $0.name == "narrator" })
        #expect(voice.status == .done)
        let files = try store.files(of: try store.dataset(named: "narrator"))
        #expect(files.count == 3)
        for file in files {
            #expect(sha256(try Data(contentsOf: store.media.url(for: file.mediaHash))) == file.mediaHash)
        }
        #expect(voice.datasetHash == sha256(Data(files.map(\.mediaHash).sorted().joined(separator: "\n").utf8)))
        let model = try #require(try JSONSerialization.jsonObject(with: Data((voice.modelData ?? "").utf8)) as? [String: Any])
        #expect(model["engineVersion"] as? String == "local-2")
        #expect(model["origin"] as? String == "measured")
        let datasetF0 = CorrelationPitchTracker.median(try Self.dataset.flatMap { try CorrelationPitchTracker.track(URL(fileURLWithPath: $0)) }.filter { $0 > 0 })
        let profileF0 = try #require(model["medianF0"] as? Double)
        #expect(abs(TestAudio.cents(profileF0, over: datasetF0)) <= 50, "profile \(profileF0) Hz, dataset \(datasetF0) Hz")

        let wav = dir.path("dubbed.wav")
        let converted = try dubkit(["convert", Self.sample.path, "-o", wav.path, "--voice", "local:narrator", "--project", "demo"], ws)
        #expect(converted.status == 0, "\(converted.stderr)")
        let info = try MediaProbe.probe(wav)
        #expect(info.formatName == "wav" && info.streams.count == 1)
        #expect(abs((info.durationSeconds ?? 0) - (try MediaProbe.probe(Self.sample).durationSeconds ?? 0)) < 0.05)
        let before = try Self.sourceF0(farFrom: datasetF0)
        let after = try CorrelationPitchTracker.median(wav).f0
        print("convert --voice local:narrator: median F0 \(before) → \(after) Hz, dataset \(datasetF0) Hz")
        #expect(abs(TestAudio.cents(after, over: datasetF0)) <= 50)

        // Off a terminal the progress is plain lines, in the order things happen.
        let lines = converted.stderr.split(separator: "\n").map(String.init)
        func position(_ text: String) -> Int { lines.firstIndex { $0.contains(text) } ?? -1 }
        let order = ["dub 1: uploading", "dub 1: preprocessed", "dub 1: generating", "converting 50%",
                     "converting 100%", "dub 1: queued", "dub 1: done"].map(position)
        #expect(order.allSatisfy { $0 >= 0 } && order == order.sorted(), "\(converted.stderr)")
    }

    @Test("convert towards a reference recording takes its pitch; bad input and bad voice fail with clear errors")
    func referenceAndErrors() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        let out = dir.path("ref.flac")
        let converted = try dubkit(["convert", Self.sample.path, "-o", out.path, "--reference", Self.dataset[0]], ws)
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(try MediaProbe.probe(out).formatName == "flac")
        let referenceF0 = try CorrelationPitchTracker.median(URL(fileURLWithPath: Self.dataset[0])).f0
        let before = try Self.sourceF0(farFrom: referenceF0)
        let after = try CorrelationPitchTracker.median(out).f0
        print("convert --reference take1: median F0 \(before) → \(after) Hz, reference \(referenceF0) Hz")
        #expect(abs(TestAudio.cents(after, over: referenceF0)) <= 50)

        let unknown = try dubkit(["convert", Self.sample.path, "-o", dir.path("x.mp4").path, "--voice", "local:nobody"], ws)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no voice 'local:nobody'") && unknown.stderr.contains("local:bright"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.mp4").path))
        let both = try dubkit(["convert", Self.sample.path, "-o", dir.path("y.mp4").path, "--voice", "local:deep",
                               "--reference", Self.dataset[0]], ws)
        #expect(both.status == 2)
        let strength = try dubkit(["convert", Self.sample.path, "-o", dir.path("z.mp4").path, "--voice", "local:deep",
                                   "--strength", "1.5"], ws)
        #expect(strength.status == 2)
        #expect(strength.stderr.contains("conversionStrength = 1.5"))
    }

    @Test("--param modelVolumeMix= and denoise= given to dub create reach the local engine through dub run")
    func parametersThroughDubRun() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws")
        // The sample's speech at a low level with steady white noise under it (about -49 dBFS).
        let noisy = dir.path("noisy.wav")
        let made = try ChildProcess.run("/usr/bin/ffmpeg", [
            "-hide_banner", "-nostdin", "-v", "error", "-i", Self.sample.path, "-f", "lavfi", "-i", "anoisesrc=color=white:amplitude=0.006:seed=3",
            "-filter_complex", "[0:a]aresample=44100,aformat=channel_layouts=mono,volume=0.3[s];[1:a]aresample=44100,aformat=channel_layouts=mono[n];"
                + "[s][n]amix=inputs=2:duration=first:normalize=0",
            "-c:a", "pcm_s16le", noisy.path])
        #expect(made.status == 0, "\(made.stderr)")
        let clean = try TestAudio.samples(Self.sample, rate: 44_100).samples
        let pauses = TestAudio.quietStretches(clean, rate: 44_100, threshold: -60, minimum: 0.2)
        #expect(pauses.count >= 2)

        #expect(try dubkit(["project", "create", "p"], ws).status == 0)
        for parameters in [["--param", "modelVolumeMix=1"], ["--param", "denoise=true"], []] {
            let created = try dubkit(["dub", "create", "--project", "p", "--voice", "local:bright", "--file", noisy.path] + parameters, ws)
            #expect(created.status == 0, "\(created.stderr)")
        }
        let ran = try dubkit(["dub", "run", "--project", "p", "--all", "--json"], ws)
        #expect(ran.status == 0, "\(ran.stderr)")
        let dubs = try #require(try JSONSerialization.jsonObject(with: Data(ran.stdout.utf8)) as? [[String: Any]])
        let results = try dubs.map { dub in
            let hash = try #require(dub["resultMediaHash"] as? String)
            return try TestAudio.samples(ws.appendingPathComponent("p/media/\(hash.prefix(2))/\(hash)"), rate: 44_100).samples
        }
        try #require(results.count == 3)
        let input = try TestAudio.samples(noisy, rate: 44_100).samples
        let margin = 44_100 / 20
        func noise(_ samples: [Float]) -> Double {
            pauses.map { TestAudio.level(samples[($0.lowerBound + margin)..<min(samples.count, $0.upperBound - margin)]) }.reduce(0, +) / Double(pauses.count)
        }
        let levels = results.map { TestAudio.level($0[...]) }
        let snr = zip(levels, results.map(noise)).map { $0 - $1 }
        print("dub run parameters: input \(TestAudio.level(input[...])) dBFS; modelVolumeMix=1 \(levels[0]) dBFS, denoise SNR \(snr[1]) dB, "
            + "defaults \(levels[2]) dBFS, SNR \(snr[2]) dB")
        // modelVolumeMix=1 takes the preset's loudness (-20 dBFS), far above the quiet input; the default keeps the input's.
        #expect(levels[0] >= levels[2] + 6)
        #expect(abs(levels[2] - TestAudio.level(input[...])) <= 1.5)
        // denoise=true lowers the noise in the pauses against the speech.
        #expect(snr[1] >= snr[2] + 6)
        #expect(try Self.leftoverResults(ws).isEmpty)
    }
}
