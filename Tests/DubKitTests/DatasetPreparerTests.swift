import DubKit
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

@Suite("dataset validation and preparation")
struct DatasetPreparerTests {
    let dir: TemporaryDirectory
    let store: ProjectStore
    /// A provider with VoiceDub's kind of rules, scaled down: 1 to 2 files, 1 to 3 training minutes.
    let strict = ProviderDescriptor(
        id: "strict", name: "Strict", capabilities: [.train],
        limits: ProviderLimits(datasetFiles: 1...2, trainingMinutes: 1...3, defaultTrainingMinutes: 1),
        billing: .free, minimumPollInterval: 0)

    init() throws {
        dir = try TemporaryDirectory()
        store = try Workspace(root: dir.url).createProject("data")
    }

    func run(_ program: String, _ arguments: [String]) throws {
        let result = try ChildProcess.run(program, arguments, currentDirectory: dir.url)
        #expect(result.status == 0, "\(program): \(result.stderr)")
    }

    /// Three minutes of quiet speech with two-second pauses, a short clean take and a silent file.
    func recordings() async throws -> Dataset {
        try run("/usr/bin/espeak-ng", ["-w", "take.wav", "A short sentence spoken for the voice dataset, clearly and slowly."])
        try run("/usr/bin/ffmpeg", ["-loglevel", "error", "-i", "take.wav", "-af", "apad=pad_dur=2", "paused.wav"])
        try run("/usr/bin/ffmpeg", ["-loglevel", "error", "-stream_loop", "-1", "-i", "paused.wav", "-t", "180",
                                    "-af", "volume=-15dB", "long.flac"])
        try run("/usr/bin/ffmpeg", ["-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "2", "silent.wav"])
        let dataset = try store.createDataset(named: "raw")
        for name in ["long.flac", "take.wav", "silent.wav"] {
            _ = try await store.addRecording(dir.path(name), to: dataset)
        }
        return dataset
    }

    @Test("validation names every file and rule that fails, before anything is sent")
    func validationNamesProblems() async throws {
        let dataset = try await recordings()
        let problems = DatasetValidator(descriptor: strict).problems(try store.files(of: dataset), dataset: "raw")
        let errors = problems.filter { $0.severity == .error }
        #expect(errors.contains { $0.rule == "file-count" && $0.message.contains("3 files") })
        #expect(errors.contains { $0.rule == "total-duration" && $0.message.contains("1 minutes") })
        #expect(errors.contains { $0.file == "silent.wav" && $0.rule == "silent" })
        #expect(!errors.contains { $0.file == "take.wav" })
        let tooMany = DatasetValidator(descriptor: strict, trainingMinutes: 9).problems(try store.files(of: dataset), dataset: "raw")
        #expect(tooMany.contains { $0.rule == "max-minutes" })
    }

    @Test("prepare splits at pauses, normalises, fits the provider's minutes and file count, and passes validation")
    func preparedCopyPasses() async throws {
        let dataset = try await recordings()
        let before = try store.files(of: dataset)
        var options = DatasetPreparer.Options()
        options.maxFileSeconds = 15
        let result = try DatasetPreparer(store: store, descriptor: strict, options: options).prepare(dataset, into: "ready")
        #expect(result.files.count == 2)
        let total = result.files.map(\.durationSeconds).reduce(0, +)
        #expect(total <= 60 && total > 30, "\(total) s")
        for file in result.files {
            // At the target, unless that would push peaks past -1 dBFS: then the peaks set the level.
            let loudness = try #require(file.loudnessLUFS), peak = try #require(file.peakDBFS)
            #expect(abs(loudness + 20) < 1 || (abs(peak + 1) < 0.1 && loudness < -20), "\(file.originalName): \(loudness) LUFS, peak \(peak)")
            #expect(peak <= -0.9)
            #expect(file.sampleRate == 44_100 && file.channels == 1)
            #expect(RecordingIssue.of(file).isEmpty, "\(file.originalName): \(RecordingIssue.of(file))")
        }
        #expect(result.notes.contains { $0.contains("silent.wav") })
        #expect(result.notes.contains { $0.contains("merged into 2 files") })
        #expect(DatasetValidator(descriptor: strict).problems(result.files, dataset: "ready").filter { $0.severity == .error }.isEmpty)
        #expect(try store.files(of: dataset) == before)
        #expect(throws: DubKitError.self) { try DatasetPreparer(store: store, descriptor: strict).prepare(dataset, into: "ready") }
    }

    @Test("long pauses are cut to the kept pause, and a piece longer than the limit is cut at its last pause",
          arguments: [(2.0, [1200]), (1.0, [600, 600])])
    func trimmerShortensPauses(maxPiece: Double, lengths: [Int]) {
        var trimmer = PauseTrimmer(sampleRate: 1000, keptPauseSeconds: 0.2, maxPieceSeconds: maxPiece)
        let speech = [Float](repeating: 0.5, count: 20)
        let silence = [Float](repeating: 0, count: 20)
        var pieces: [[Float]] = []
        // 0.5 s of silence, then 0.4 s speech, 1 s pause, 0.4 s speech, 2 s pause: kept as
        // 0.1 s lead-in + 0.4 + 0.2 pause + 0.4 + 0.1 tail.
        for _ in 0..<25 { pieces += trimmer.add(silence, speech: false) }
        for _ in 0..<20 { pieces += trimmer.add(speech, speech: true) }
        for _ in 0..<50 { pieces += trimmer.add(silence, speech: false) }
        for _ in 0..<20 { pieces += trimmer.add(speech, speech: true) }
        for _ in 0..<100 { pieces += trimmer.add(silence, speech: false) }
        pieces += trimmer.finish()
        #expect(pieces.map(\.count) == lengths)
    }

    @Test("a provider that wants more files than the recordings give gets pieces cut at pauses to reach its count")
    func splitsToTheFewestFiles() async throws {
        let dataset = try await recordings()
        let several = ProviderDescriptor(
            id: "several", name: "Several", capabilities: [.train],
            limits: ProviderLimits(datasetFiles: 6...20), billing: .free, minimumPollInterval: 0)
        let result = try DatasetPreparer(store: store, descriptor: several).prepare(dataset, into: "six")
        #expect(result.files.count >= 6, "\(result.files.map(\.originalName)) \(result.notes)")
        #expect(result.notes.contains { $0.contains("fewer than several's 6 files") })
        #expect(DatasetValidator(descriptor: several).problems(result.files, dataset: "six").filter { $0.severity == .error }.isEmpty)
    }

    @Test("an empty dataset is refused with what to do")
    func emptyDataset() throws {
        let empty = try store.createDataset(named: "empty")
        #expect {
            try DatasetPreparer(store: store, descriptor: strict).prepare(empty, into: "x")
        } throws: { error in
            (error as? DubKitError)?.errorDescription?.contains("dataset add") == true
        }
    }
}
