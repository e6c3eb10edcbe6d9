import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// Long inputs through the built `dubkit` against the fake VoiceDub: cut into chunks at pauses, each
/// chunk a dub of its own that is paid once, joined in sync with the source, in bounded memory.
@Suite("long inputs in chunks")
struct LongInputCLITests {
    static let key = "vdk-long-inputs-8e41"

    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
    }

    func environment(_ fake: FakeVoiceDub) -> [String: String] {
        ["DUBKIT_WORKSPACE": dir.path("ws").path, "VOICEDUB_BASE_URL": fake.baseURL.absoluteString,
         "VOICEDUB_API_KEY": Self.key, "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_RETRY_DELAY": "0.05",
         "DUBKIT_CONFIG_DIR": dir.path("config").path]
    }

    func dubkit(_ arguments: [String], _ fake: FakeVoiceDub) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments, environment: environment(fake), currentDirectory: dir.url)
    }

    /// Runs `dubkit` under /usr/bin/time; returns its result and its peak resident memory in KiB.
    func measured(_ arguments: [String], _ fake: FakeVoiceDub) throws -> (ChildProcess.Result, Int) {
        let report = dir.path("time-\(UUID().uuidString).txt")
        let result = try ChildProcess.run("/usr/bin/time", ["-f", "%M", "-o", report.path,
                                                            ChildProcess.productsDirectory.appendingPathComponent("dubkit").path] + arguments,
                                          environment: environment(fake), currentDirectory: dir.url)
        let text = try String(contentsOf: report, encoding: .utf8)
        let kib = text.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last ?? 0
        return (result, kib)
    }

    /// Creates a dub of `file` with the fake's first public voice; returns its id.
    func createDub(_ file: URL, _ fake: FakeVoiceDub, extra: [String] = []) throws -> Int64 {
        let voice = try #require(fake.publicVoices.first?.id)
        let created = try dubkit(["dub", "create", "--project", "p", "--voice", "voicedub:\(voice)", "--file", file.path] + extra, fake)
        #expect(created.status == 0, "\(created.stderr)")
        return try #require(Int64(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func store() throws -> ProjectStore {
        try Workspace(root: dir.path("ws")).openProject("p")
    }

    /// Per 10 ms frame of `url` (mono mix, its own rate): the level in dB and the largest jump between
    /// two neighbouring samples, read block by block.
    func frameStats(_ url: URL) throws -> (levels: [Float], jumps: [Float]) {
        let reader = try AudioSampleReader(url)
        let frame = reader.sampleRate / 100
        var levels: [Float] = [], jumps: [Float] = []
        var sum: Float = 0, jump: Float = 0, fill = 0, previous: Float = 0
        while true {
            let planes = try reader.read()
            guard let first = planes.first, !first.isEmpty else { break }
            first.withUnsafeBufferPointer { samples in
                var index = 0
                while index < samples.count {
                    let value = samples[index]
                    sum += value * value
                    jump = max(jump, abs(value - previous))
                    previous = value
                    fill += 1
                    if fill == frame {
                        levels.append(10 * log10(max(sum / Float(frame), 1e-12)))
                        jumps.append(jump)
                        sum = 0; jump = 0; fill = 0
                    }
                    index += 1
                }
            }
        }
        return (levels, jumps)
    }

    /// The stretch `frames` of a 16-bit WAV, cut to its own file without decoding.
    func excerpt(_ wav: URL, frames: Range<Int64>) throws -> URL {
        let url = dir.path("excerpt-\(frames.lowerBound).wav")
        var bytes = Data()
        try PCMWAVSlice.write(wav, frames: frames) { bytes.append(contentsOf: $0) }
        try bytes.write(to: url)
        return url
    }

    @Test("a 40-minute dub: cut in pauses into chunks of at most 30 minutes, each generated once, joined within 20 ms of the source without a click, in memory flat in length")
    func fortyMinutes() throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 100_000, stageDuration: .milliseconds(100)))
        let long = dir.path("long.wav"), short = dir.path("short.wav")
        try SpeechLoop.write(long, seconds: 2400)
        try SpeechLoop.write(short, seconds: 120)
        #expect(try dubkit(["project", "create", "p"], fake).status == 0)
        // Pitch-shifted by VoiceDub, so the chunks' results differ where they overlap and a careless join would click.
        let id = try createDub(long, fake, extra: ["--pitch", "2"])
        // The 2-minute dub goes the same way (two chunks, asked for), for the memory comparison.
        let small = try createDub(short, fake, extra: ["--pitch", "2", "--chunk", "70"])

        let (ran, peak) = try measured(["dub", "run", "--project", "p", String(id)], fake)
        #expect(ran.status == 0, "\(ran.stderr.suffix(2000))")
        let (ranSmall, peakSmall) = try measured(["dub", "run", "--project", "p", String(small)], fake)
        #expect(ranSmall.status == 0, "\(ranSmall.stderr.suffix(2000))")

        let project = try store()
        let dub = try project.dub(id)
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let chunks = try project.chunks(of: id)
        #expect(chunks.count == 2 && dub.chunkCount == 2)
        for chunk in chunks {
            #expect((chunk.chunkEndMs ?? 0) - (chunk.chunkStartMs ?? 0) <= 1_800_000, "chunk \(chunk.chunkIndex ?? -1) is over 30 minutes")
            let job = try #require(chunk.providerJobID)
            #expect(fake.calls(.generateDub, id: job) == 1, "chunk \(chunk.chunkIndex ?? -1): \(fake.calls(.generateDub, id: job)) generate requests")
        }
        // 40 minutes are 29.x + 10.x minutes: 300 + 110 credits, each chunk billed by its own started minutes.
        #expect(dub.creditsUsed == chunks.map(\.creditsUsed).reduce(0, +) && dub.creditsUsed == 410, "\(dub.creditsUsed) credits")
        #expect(fake.dubIDs.count == 4, "two chunks for each dub")

        // The joined result against the source: its length within 20 ms.
        let result = project.media.url(for: try #require(dub.resultMediaHash))
        let seconds = try #require(try MediaProbe.probe(result).durationSeconds)
        #expect(abs(seconds - 2400) <= 0.020, "the joined dub lasts \(seconds) s")
        let sync = try #require(dub.syncReport)
        #expect(!sync.flagged && abs(sync.lengthDifferenceMs) <= 20, "\(sync.lengthDifferenceMs) ms, drift \(sync.maxDriftMs) ms")

        // The cut is in a pause of the source, and the join there jumps no more than the pauses around it do
        // (the two minutes around each cut are measured; both files are mono).
        let cuts = chunks.dropLast().map { ($0.chunkEndMs ?? 0) - ChunkPlanner.overlapMs }
        let source = try frameStats(long)
        let sourceThreshold = Float(AudioAnalyzer.speechThreshold(source.levels))
        for cut in cuts.map({ Int($0 / 10) }) {
            #expect(source.levels[(cut - 2)..<(cut + 2)].allSatisfy { $0 <= sourceThreshold }, "the cut at \(cut * 10) ms is not in a pause")
        }
        for cut in cuts {
            let rate = Int64(44_100)
            let around = try frameStats(try excerpt(result, frames: (cut - 60_000) * rate / 1000..<(cut + 60_000) * rate / 1000))
            let threshold = Float(AudioAnalyzer.speechThreshold(around.levels))
            let at = 6000  // the cut, in 10 ms frames from the excerpt's start
            let elsewhere = around.levels.indices.filter { around.levels[$0] <= threshold && abs($0 - at) > 20 }.map { around.jumps[$0] }.max() ?? 0
            let atCut = around.jumps[(at - 5)...(at + 5)].max() ?? 0
            #expect(atCut <= elsewhere, "a jump of \(atCut) within 50 ms of the cut at \(cut) ms; the pauses around reach \(elsewhere)")
        }

        // Memory: nothing loads whole files, so 20 times the length costs (almost) nothing more.
        #expect(try project.dub(small).status == .done && project.dub(small).chunkCount == 2)
        #expect(peak > 0 && peakSmall > 0)
        #expect(peak - peakSmall < 40 * 1024, "peak memory \(peak / 1024) MiB for 40 minutes against \(peakSmall / 1024) MiB for 2")
    }

    @Test("killed with SIGKILL while the third of five chunks is generated, the resume pays only for the chunks not yet generated")
    func killDuringThirdChunk() throws {
        let start: Int64 = 10_000
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: start, stageDuration: .milliseconds(300)))
        let speech = dir.path("talk.wav")
        try SpeechLoop.write(speech, seconds: 40)
        #expect(try dubkit(["project", "create", "p"], fake).status == 0)
        let id = try createDub(speech, fake, extra: ["--chunk", "10"])
        // Before anything is cut or paid, the estimate bills five chunks, not one 40-second input.
        let estimate = try dubkit(["dub", "estimate", "--project", "p", String(id), "--json"], fake)
        let estimated = (try JSONSerialization.jsonObject(with: Data(estimate.stdout.utf8)) as? [String: Any])?["totalCredits"] as? Int
        #expect(estimated == 50, "\(estimate.stdout)")

        // One job at a time, so the chunks go one after another; killed once the third one's generate was sent.
        let child = try ChildProcess("dubkit", ["dub", "run", "--project", "p", String(id), "--jobs", "1"],
                                     environment: environment(fake), currentDirectory: dir.url)
        let deadline = Date().addingTimeInterval(90)
        var third: Dub?
        while Date() < deadline {
            if let chunk = try? store().chunks(of: id).first(where: { $0.chunkIndex == 2 }),
               [.queued, .starting, .processing].contains(chunk.status) {
                third = chunk
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        child.killHard()
        _ = child.wait()
        #expect(third != nil, "the third chunk was never seen generating")
        let atKill = try store().chunks(of: id)
        #expect(atKill.count == 5, "\(atKill.count) chunks")
        #expect(atKill.map(\.status).prefix(2) == [.done, .done] && atKill.suffix(2).allSatisfy { $0.status == .preprocessed },
                "\(atKill.map(\.status))")
        #expect(start - fake.credits == 30, "three chunks were paid before the kill, not \(start - fake.credits) credits")
        let attemptsBefore = try atKill.prefix(2).map { try store().stageAttempts(dub: $0.id ?? 0).count }
        // `dub status` tells how far the chunks got, not only the parent's stage.
        let status = try dubkit(["dub", "status", "--project", "p", String(id)], fake)
        #expect(status.status == 0 && status.stdout.contains("2/5 chunks done"), "\(status.stdout)")

        let resumed = try dubkit(["dub", "run", "--project", "p", "--all"], fake)

        #expect(resumed.status == 0, "\(resumed.stderr.suffix(2000))")
        let project = try store()
        let dub = try project.dub(id)
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let chunks = try project.chunks(of: id)
        for chunk in chunks {
            let job = try #require(chunk.providerJobID)
            #expect(fake.calls(.generateDub, id: job) == 1, "chunk \(chunk.chunkIndex ?? -1) was sent \(fake.calls(.generateDub, id: job)) times")
        }
        #expect(fake.dubIDs.count == 5)
        // Five chunks under a minute each: 50 credits in all, 20 of them after the resume.
        #expect(start - fake.credits == 50 && dub.creditsUsed == 50 && dub.creditsRequired == 50)
        #expect(try chunks.prefix(2).map { try project.stageAttempts(dub: $0.id ?? 0).count } == attemptsBefore,
                "a finished chunk was touched again")
        // Chunks are listed with --chunks only, and run through their dub (--all above ran only dub \(id)).
        let listed = { (arguments: [String]) in
            (try JSONSerialization.jsonObject(with: Data(try self.dubkit(["dub", "list", "--project", "p", "--json"] + arguments, fake).stdout.utf8))
                as? [[String: Any]])?.count
        }
        #expect(try listed([]) == 1 && listed(["--chunks"]) == 6)
        let joined = project.media.url(for: try #require(dub.resultMediaHash))
        let seconds = try #require(try MediaProbe.probe(joined).durationSeconds)
        #expect(abs(seconds - 40) <= 0.02)
    }

    @Test("a provider 3% slower: the sync report shows the drift, the export is fitted back within 40 ms per segment; --loudness match")
    func slowProvider() throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, stageDuration: .milliseconds(50), resultTempo: 0.97))
        let speech = dir.path("talk.wav")
        // Quieter than the -16 LUFS audio exports default to, so matching the original shows.
        try SpeechLoop.write(speech, seconds: 22, gainDB: -12)
        #expect(try dubkit(["project", "create", "p"], fake).status == 0)
        let id = try createDub(speech, fake, extra: ["--chunk", "8"])
        let ran = try dubkit(["dub", "run", "--project", "p", String(id)], fake)
        #expect(ran.status == 0, "\(ran.stderr.suffix(2000))")

        let shown = try dubkit(["dub", "show", "--project", "p", String(id), "--json"], fake)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let report = try #require(json["syncReport"] as? [String: Any])
        let drift = try #require(report["maxDriftMs"] as? Int)
        #expect(report["flagged"] as? Bool == true)
        // 3% of about 20 s of speech, less what the last pause absorbs.
        #expect((450...800).contains(drift), "drift \(drift) ms: \(report["segments"] ?? "")")
        #expect(((report["lengthDifferenceMs"] as? Int) ?? 0) > 500)
        let chunks = try #require(json["chunks"] as? [[String: Any]])
        #expect(chunks.count >= 3 && chunks.allSatisfy { $0["status"] as? String == "done" })
        let text = try dubkit(["dub", "show", "--project", "p", String(id)], fake)
        #expect(text.stdout.contains("OUT OF SYNC") && text.stdout.contains("CHUNK"), "\(text.stdout)")

        let matched = dir.path("matched.wav"), plain = dir.path("plain.wav")
        let exported = try dubkit(["export", "--project", "p", String(id), "-o", matched.path, "--loudness", "match", "--json"], fake)
        #expect(exported.status == 0, "\(exported.stderr)")
        let settings = (try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any])?["settings"] as? [String: Any]
        #expect((settings?["fittedToSource"] as? [Int]) == [Int(id)])
        #expect(try dubkit(["export", "--project", "p", String(id), "-o", plain.path], fake).status == 0)

        let fitted = try SyncAnalyzer.compare(source: speech, dubbed: matched)
        #expect(fitted.segments.count >= 6 && fitted.unmatchedSegments == 0, "\(fitted.segments.count) segments")
        #expect(fitted.maxDriftMs <= 40, "\(fitted.segments.map { ($0.startOffsetMs, $0.endOffsetMs) })")
        #expect(abs(fitted.lengthDifferenceMs) <= 20 && !fitted.flagged)
        // --loudness match: the original's integrated loudness (an audio export is -16 LUFS otherwise).
        let original = try EBUR128.integratedLoudness(speech)
        #expect(abs(try EBUR128.integratedLoudness(matched) - original) < 1, "original \(original) LUFS")
        #expect(abs(try EBUR128.integratedLoudness(plain) + 16) < 1 && original < -24)
    }
}
