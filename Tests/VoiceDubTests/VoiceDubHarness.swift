import DubKit
import DubKitHTTP
import DubKitMedia
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
import VoiceDubProvider

/// A fake VoiceDub server, a project store in a temporary folder and an adapter pointed at the fake
/// through the same variables a user sets (VOICEDUB_BASE_URL, VOICEDUB_API_KEY, DUBKIT_POLL_INTERVAL).
struct VoiceDubHarness {
    /// A key no other text in the tests contains, to look for in logs and files.
    static let key = "vdk-5f1e9a0c3b7d42e8"

    let fake: FakeVoiceDub
    let dir: TemporaryDirectory
    let store: ProjectStore
    let adapter: VoiceDubAdapter
    let environment: [String: String]
    /// Every line of the adapter's HTTP log.
    let log = Locked<[String]>([])

    /// Retries quickly, so fault tests take little time; a 429's Retry-After is still honoured.
    static let quickRetry = RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 0.5, maxTotalTime: 20,
                                        retriesRateLimitedWrites: true)

    init(pollInterval: Double? = 0.05, stage: Duration = .milliseconds(40), credits: Int64 = 10_000,
         key: String = VoiceDubHarness.key, publicVoices: Int = 30, urlLifetime: Duration = .seconds(3600)) throws {
        fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: credits, stageDuration: stage,
                                               publicVoices: publicVoices, presignedURLLifetime: urlLifetime))
        dir = try TemporaryDirectory("voicedub-test")
        store = try Workspace(root: dir.path("ws")).createProject("films")
        var environment = [
            "VOICEDUB_BASE_URL": fake.baseURL.absoluteString,
            "VOICEDUB_API_KEY": key,
            "DUBKIT_CONFIG_DIR": dir.path("config").path,
        ]
        if let pollInterval { environment["DUBKIT_POLL_INTERVAL"] = String(pollInterval) }
        self.environment = environment
        let log = self.log
        adapter = try VoiceDubAdapter(stateFolder: dir.path(Self.stateFolderPath), environment: environment,
                                      retry: Self.quickRetry, log: { line in log.withLock { $0.append(line) } })
    }

    /// The adapter's state folder in the workspace (upload URLs, the time of each job's last read).
    var stateFolder: URL { dir.path(Self.stateFolderPath) }
    static let stateFolderPath = "ws/plugins/.state/voicedub"

    /// Another adapter on the same workspace, as a second `dubkit` process would build it.
    func secondAdapter() throws -> VoiceDubAdapter {
        try VoiceDubAdapter(stateFolder: stateFolder, environment: environment, retry: Self.quickRetry)
    }

    /// Checks every answer the fake sent during the test against the spec's schemas (faults, failed
    /// dubs and link dubs included).
    func expectAnswersMatchSpec(sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let problems = try fake.answersBreakingTheSpec()
            #expect(problems.isEmpty, "answers outside the spec: \(problems)", sourceLocation: sourceLocation)
            #expect(!fake.sentResponses.isEmpty, "no answer was checked", sourceLocation: sourceLocation)
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
    }

    /// The first voice of the fake's public catalogue.
    var publicVoice: String { fake.publicVoices[0].id }

    /// A dub of a local file with `voice`, stored and ready to run.
    func fileDub(_ file: URL, voice: String? = nil, pitch: Int = 0) throws -> Int64 {
        let dub = try store.createDub(Dub(providerID: "voicedub", voiceRef: voice ?? publicVoice, sourceKind: .file,
                                          source: file.path, pitchShift: pitch))
        return try require(dub.id, "dub id")
    }

    /// A dub of a link with `voice`, stored and ready to run.
    func linkDub(_ link: String, voice: String? = nil) throws -> Int64 {
        let dub = try store.createDub(Dub(providerID: "voicedub", voiceRef: voice ?? publicVoice, sourceKind: .link,
                                          source: link))
        return try require(dub.id, "dub id")
    }

    /// Runs a dub through the core's runner (which polls as fast as it likes: the adapter keeps the pace),
    /// retrying transient failures after short waits.
    func run(_ id: Int64) async throws -> Dub {
        var runner = DubRunner(store: store, provider: adapter, pollInterval: 0.01)
        runner.retryDelay = 0.05
        return try await runner.run(id)
    }

    /// The adapter paced as the core paces it (the reads of a job kept apart in the project's store).
    var paced: PacedProvider { PacedProvider(adapter, store: store, pollInterval: nil) }

    /// Sends `job`'s preprocess and polls it, paced, until VoiceDub has preprocessed it, as the core's
    /// preprocess stage does.
    @discardableResult
    func preprocess(_ job: String) async throws -> DubJobState {
        var state = try await adapter.preprocessDub(jobID: job)
        let paced = paced
        while state.status == .preprocessing { state = try await paced.pollDub(jobID: job) }
        return state
    }

    /// The core's voice trainer over the adapter, polling fast and retrying transient failures after short waits.
    func trainer() -> VoiceTrainer {
        var trainer = VoiceTrainer(store: store, provider: adapter, pollInterval: 0.01)
        trainer.retryDelay = 0.05
        return trainer
    }

    /// A generated spoken-tone WAV of `seconds`.
    func tone(_ name: String, seconds: Double = 1.5, frequency: Int = 220) throws -> URL {
        let url = dir.path(name)
        try Fixtures.tone(url, seconds: seconds, frequency: frequency)
        return url
    }

    /// A WAV of `text` spoken by espeak-ng (a training recording the core's dataset checks accept).
    func speech(_ name: String, _ text: String = "A short sentence spoken for the voice dataset, clearly and slowly.",
                voice: String = "en") throws -> URL {
        struct SpeechFailed: Error {}
        let url = dir.path(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        process.arguments = ["-v", voice, "-w", url.path, text]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SpeechFailed() }
        return url
    }

    /// The duration of a stored result, decoded by the media layer.
    func resultSeconds(_ dub: Dub) throws -> Double {
        let hash = try require(dub.resultMediaHash, "result")
        return try require(try MediaProbe.probe(store.media.url(for: hash)).durationSeconds, "duration")
    }
}

/// `#require` outside a test function's body.
func require<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw MissingValue(what: what) }
    return value
}

struct MissingValue: Error, CustomStringConvertible {
    var what: String
    var description: String { "missing \(what)" }
}
