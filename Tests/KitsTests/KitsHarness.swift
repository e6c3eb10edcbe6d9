import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeKits
import Foundation
import KitsProvider

/// A fake Kits.ai server, a project store in a temporary folder and an adapter pointed at the fake
/// through the variables a user sets (KITS_BASE_URL, KITS_API_KEY, DUBKIT_POLL_INTERVAL).
struct KitsHarness {
    /// A key no other text in the tests contains, to look for in logs, errors and files.
    static let key = "kits-3c9e71d04b2a58f6"

    let fake: FakeKits
    let dir: TemporaryDirectory
    let store: ProjectStore
    let adapter: KitsAdapter
    let stateFolder: URL
    let environment: [String: String]
    /// Every line of the adapter's HTTP log.
    let log = Locked<[String]>([])

    init(key: String = KitsHarness.key, maxSoundFileBytes: Int64 = KitsDescriptor.maxSoundFileBytes,
         stage: Duration = .milliseconds(150), urlLifetime: Duration = .seconds(3600)) throws {
        fake = try FakeKits(options: .init(apiKey: Self.key, stageDuration: stage, signedURLLifetime: urlLifetime))
        dir = try TemporaryDirectory("kits-test")
        store = try Workspace(root: dir.path("ws")).createProject("films")
        environment = ["KITS_BASE_URL": fake.baseURL.absoluteString, "KITS_API_KEY": key,
                       "DUBKIT_CONFIG_DIR": dir.path("config").path, "DUBKIT_POLL_INTERVAL": "0.02"]
        stateFolder = dir.path("ws/plugins/.state/kits")
        let log = self.log
        adapter = try KitsAdapter(stateFolder: stateFolder, environment: environment, maxSoundFileBytes: maxSoundFileBytes,
                                  log: { line in log.withLock { $0.append(line) } })
    }

    /// Another adapter over the same state folder, as a later process would make.
    func makeAdapter() throws -> KitsAdapter {
        let log = self.log
        return try KitsAdapter(stateFolder: stateFolder, environment: environment,
                               log: { line in log.withLock { $0.append(line) } })
    }

    /// A dub of a local file, stored and ready to run.
    func fileDub(_ file: URL, voice: String = "1", pitch: Int = 0, parameters: [String: JSONValue] = [:]) throws -> Int64 {
        let dub = try store.createDub(Dub(providerID: "kits", voiceRef: voice, sourceKind: .file, source: file.path,
                                          pitchShift: pitch, parameters: try DubParameters(parameters)))
        guard let id = dub.id else { throw MissingValue(what: "dub id") }
        return id
    }

    /// Runs a dub through the core's runner, polling fast and retrying transient failures after short waits.
    func run(_ id: Int64, adapter: KitsAdapter? = nil) async throws -> Dub {
        var runner = DubRunner(store: store, provider: adapter ?? self.adapter, pollInterval: 0.02)
        runner.retryDelay = 0.05
        return try await runner.run(id)
    }

    /// A generated tone WAV of `seconds`.
    func tone(_ name: String, seconds: Double = 1.5, frequency: Int = 220, rate: Int = 16000) throws -> URL {
        let url = dir.path(name)
        try Fixtures.tone(url, seconds: seconds, frequency: frequency, rate: rate)
        return url
    }

    /// The duration of a stored result, decoded by the media layer.
    func resultSeconds(_ dub: Dub) throws -> Double {
        guard let hash = dub.resultMediaHash, let seconds = try MediaProbe.probe(store.media.url(for: hash)).durationSeconds else {
            throw MissingValue(what: "result")
        }
        return seconds
    }
}

struct MissingValue: Error, CustomStringConvertible {
    var what: String
    var description: String { "missing \(what)" }
}
