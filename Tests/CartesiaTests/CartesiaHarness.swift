import CartesiaProvider
import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeCartesia
import Foundation

/// A fake Cartesia API, a project store in a temporary folder and an adapter pointed at the fake
/// through the variables a user sets (CARTESIA_BASE_URL, CARTESIA_API_KEY, DUBKIT_POLL_INTERVAL).
struct CartesiaHarness {
    /// A key no other text in the tests contains, to look for in logs, errors and files.
    static let key = "sk_car_5e0b7c2d94a1f836"

    let fake: FakeCartesia
    let dir: TemporaryDirectory
    let store: ProjectStore
    let adapter: CartesiaAdapter
    let stateFolder: URL
    let environment: [String: String]
    /// Every line of the adapters' HTTP logs.
    let log = Locked<[String]>([])

    init(key: String = CartesiaHarness.key, options: FakeCartesia.Options = FakeCartesia.Options()) throws {
        var options = options
        options.apiKey = Self.key
        fake = try FakeCartesia(options: options)
        dir = try TemporaryDirectory("cartesia-test")
        store = try Workspace(root: dir.path("ws")).createProject("films")
        environment = ["CARTESIA_BASE_URL": fake.baseURL.absoluteString, "CARTESIA_API_KEY": key,
                       "DUBKIT_CONFIG_DIR": dir.path("config").path, "DUBKIT_POLL_INTERVAL": "0.05"]
        stateFolder = dir.path("ws/plugins/.state/cartesia")
        let log = self.log
        adapter = try CartesiaAdapter(stateFolder: stateFolder, environment: environment,
                                      log: { line in log.withLock { $0.append(line) } })
    }

    /// Another adapter over the same state folder, as a later process would make.
    func makeAdapter() throws -> CartesiaAdapter {
        let log = self.log
        return try CartesiaAdapter(stateFolder: stateFolder, environment: environment,
                                   log: { line in log.withLock { $0.append(line) } })
    }

    /// The id of a voice of the fake's library.
    var voice: String { fake.library[2].id }

    /// A dub of a local file, stored and ready to run.
    func fileDub(_ file: URL, voice: String? = nil, parameters: [String: JSONValue] = [:]) throws -> Int64 {
        let dub = try store.createDub(Dub(providerID: "cartesia", voiceRef: voice ?? self.voice, sourceKind: .file, source: file.path,
                                          parameters: try DubParameters(parameters)))
        guard let id = dub.id else { throw MissingValue(what: "dub id") }
        return id
    }

    /// Runs a dub through the core's runner, retrying transient failures after short waits.
    func run(_ id: Int64, provider: (any Provider)? = nil, report: @escaping @Sendable (String) -> Void = { _ in },
             progress: @escaping @Sendable (Double) -> Void = { _ in }) async throws -> Dub {
        var runner = DubRunner(store: store, provider: provider ?? adapter, pollInterval: 0.02, report: report, progress: progress)
        runner.retryDelay = 0.05
        return try await runner.run(id)
    }

    /// The core's trainer over `provider`, polling and retrying after short waits.
    func trainer(_ provider: (any Provider)? = nil) -> VoiceTrainer {
        var trainer = VoiceTrainer(store: store, provider: provider ?? adapter, pollInterval: 0.02)
        trainer.retryDelay = 0.05
        return trainer
    }

    /// A generated tone WAV of `seconds` at 44.1 kHz (the rate the core's media store keeps).
    func tone(_ name: String, seconds: Double = 1.5, rate: Int = 44_100) throws -> URL {
        let url = dir.path(name)
        try Fixtures.tone(url, seconds: seconds, rate: rate)
        return url
    }

    /// Speech from espeak-ng in a WAV.
    func speech(_ name: String = "speech.wav", _ text: String = "The quick brown fox jumps over the lazy dog.") throws -> URL {
        let url = dir.path(name)
        try CartesiaSpeech.speak(text, to: url)
        return url
    }

    /// A dataset of `files` recordings of generated speech, each about `minutes` long at 8 kHz (looped
    /// sentences), stored in the project as `dataset add` would (without the analysis).
    func speechDataset(_ name: String, files: Int = 4, minutes: Double = 8) async throws -> Dataset {
        let dataset = try store.createDataset(named: name)
        for index in 0..<files {
            let url = dir.path("\(name)-\(index).wav")
            try CartesiaSpeech.loop("Recording \(index + 1) of the narrator, reading a calm passage slowly.", to: url, seconds: minutes * 60)
            _ = try await store.addRecording(url, to: dataset)
        }
        return dataset
    }

    /// The stored result's first audio stream and duration, decoded by the media layer.
    func result(_ dub: Dub) throws -> (stream: MediaStreamInfo, seconds: Double) {
        guard let hash = dub.resultMediaHash else { throw MissingValue(what: "result") }
        let info = try MediaProbe.probe(store.media.url(for: hash))
        guard let stream = info.audioStreams.first, let seconds = info.durationSeconds else { throw MissingValue(what: "result audio") }
        return (stream, seconds)
    }
}

/// Generated speech: espeak-ng for the words, sox to loop it at a low rate.
enum CartesiaSpeech {
    struct ToolFailed: Error, CustomStringConvertible {
        var tool: String
        var description: String { "\(tool) failed" }
    }

    static func speak(_ text: String, to url: URL) throws {
        try run("/usr/bin/espeak-ng", ["-v", "en", "-w", url.path, text])
    }

    /// `text` spoken and repeated to at least `seconds`, as 16-bit mono 8 kHz.
    static func loop(_ text: String, to url: URL, seconds: Double) throws {
        let once = url.deletingPathExtension().appendingPathExtension("once.wav")
        defer { try? FileManager.default.removeItem(at: once) }
        try speak(text, to: once)
        let length = try MediaProbe.probe(once).durationSeconds ?? 1
        let repeats = max(0, Int((seconds / max(length, 0.1)).rounded(.up)) - 1)
        try run("/usr/bin/sox", [once.path, "-r", "8000", "-c", "1", "-b", "16", url.path, "repeat", String(repeats)])
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ToolFailed(tool: tool) }
    }
}

struct MissingValue: Error, CustomStringConvertible {
    var what: String
    var description: String { "missing \(what)" }
}
