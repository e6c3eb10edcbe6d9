import DubKit
import DubKitMedia
import DubKitTestSupport
import ElevenLabsProvider
import FakeElevenLabs
import Foundation

/// A fake ElevenLabs API, a project store in a temporary folder and an adapter pointed at the fake
/// through the variables a user sets (ELEVENLABS_BASE_URL, ELEVENLABS_API_KEY).
struct ElevenLabsHarness {
    /// A key no other text in the tests contains, to look for in logs, errors and files.
    static let key = "xi-5e0b7c2d94a1f836"

    let fake: FakeElevenLabs
    let dir: TemporaryDirectory
    let store: ProjectStore
    let adapter: ElevenLabsAdapter
    let stateFolder: URL
    let environment: [String: String]
    /// Every line of the adapter's HTTP log.
    let log = Locked<[String]>([])

    init(key: String = ElevenLabsHarness.key, options: FakeElevenLabs.Options = FakeElevenLabs.Options()) throws {
        var options = options
        options.apiKey = Self.key
        fake = try FakeElevenLabs(options: options)
        dir = try TemporaryDirectory("elevenlabs-test")
        store = try Workspace(root: dir.path("ws")).createProject("films")
        environment = ["ELEVENLABS_BASE_URL": fake.baseURL.absoluteString, "ELEVENLABS_API_KEY": key,
                       "DUBKIT_CONFIG_DIR": dir.path("config").path]
        stateFolder = dir.path("ws/plugins/.state/elevenlabs")
        let log = self.log
        adapter = try ElevenLabsAdapter(stateFolder: stateFolder, environment: environment,
                                        log: { line in log.withLock { $0.append(line) } })
    }

    /// Another adapter over the same state folder, as a later process would make.
    func makeAdapter() throws -> ElevenLabsAdapter {
        let log = self.log
        return try ElevenLabsAdapter(stateFolder: stateFolder, environment: environment,
                                     log: { line in log.withLock { $0.append(line) } })
    }

    /// The id of a voice of the fake's library.
    var voice: String { fake.voices[2].voiceID }

    /// A dub of a local file, stored and ready to run.
    func fileDub(_ file: URL, voice: String? = nil, parameters: [String: JSONValue] = [:]) throws -> Int64 {
        let dub = try store.createDub(Dub(providerID: "elevenlabs", voiceRef: voice ?? self.voice, sourceKind: .file, source: file.path,
                                          parameters: try DubParameters(parameters)))
        guard let id = dub.id else { throw MissingValue(what: "dub id") }
        return id
    }

    /// Runs a dub through the core's runner, retrying transient failures after short waits.
    func run(_ id: Int64, provider: (any Provider)? = nil, progress: @escaping @Sendable (Double) -> Void = { _ in }) async throws -> Dub {
        var runner = DubRunner(store: store, provider: provider ?? adapter, pollInterval: 0.02, progress: progress)
        runner.retryDelay = 0.05
        return try await runner.run(id)
    }

    /// A generated tone WAV of `seconds` at 44.1 kHz (the rate the core's media store keeps).
    func tone(_ name: String, seconds: Double = 1.5, rate: Int = 44_100) throws -> URL {
        let url = dir.path(name)
        try Fixtures.tone(url, seconds: seconds, rate: rate)
        return url
    }

    /// Speech from espeak-ng in a WAV.
    func speech(_ name: String = "speech.wav", _ text: String = "The quick brown fox jumps over the lazy dog.") throws -> URL {
        struct SpeechFailed: Error {}
        let url = dir.path(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        process.arguments = ["-v", "en", "-w", url.path, text]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SpeechFailed() }
        return url
    }

    /// The stored result's first audio stream and duration, decoded by the media layer.
    func result(_ dub: Dub) throws -> (stream: MediaStreamInfo, seconds: Double) {
        guard let hash = dub.resultMediaHash else { throw MissingValue(what: "result") }
        let info = try MediaProbe.probe(store.media.url(for: hash))
        guard let stream = info.audioStreams.first, let seconds = info.durationSeconds else { throw MissingValue(what: "result audio") }
        return (stream, seconds)
    }
}

struct MissingValue: Error, CustomStringConvertible {
    var what: String
    var description: String { "missing \(what)" }
}
