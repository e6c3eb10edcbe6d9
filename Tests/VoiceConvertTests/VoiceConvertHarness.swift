import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeVoiceConvert
import Foundation
import VoiceConvertProvider

/// A fake voice-convert service, a web server publishing a folder (what VOICECONVERT_PUBLISH_DIR and
/// VOICECONVERT_PUBLIC_URL stand for), a project store in a temporary folder and an adapter set up
/// through the variables a user sets.
struct VoiceConvertHarness {
    /// A key no other text in the tests contains.
    static let key = "sk_vc_81f4a2c9e07d5b36"

    let fake: FakeVoiceConvert
    let dir: TemporaryDirectory
    let store: ProjectStore
    let adapter: VoiceConvertAdapter
    let publishDir: URL
    /// Serves `publishDir` at `/pub/…` and test recordings at `/media/…`.
    let web: TestHTTPServer
    let environment: [String: String]
    let log = Locked<[String]>([])

    init(key: String = VoiceConvertHarness.key, publish: Bool = true, credits: Int64 = 10_000,
         stage: Duration = .milliseconds(100), audioURLLifetime: Duration? = nil) throws {
        fake = try FakeVoiceConvert(options: .init(apiKey: Self.key, startingCredits: credits, stageDuration: stage,
                                                   audioURLLifetime: audioURLLifetime))
        let dir = try TemporaryDirectory("voiceconvert-test")
        self.dir = dir
        store = try Workspace(root: dir.path("ws")).createProject("films")
        publishDir = dir.path("public")
        try FileManager.default.createDirectory(at: publishDir, withIntermediateDirectories: true)
        let published = publishDir
        web = try TestHTTPServer { request in
            let name = request.path.split(separator: "/").last.map(String.init) ?? ""
            let folder = request.path.hasPrefix("/pub/") ? published : dir.url
            guard !name.contains(".."), let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else {
                return .text("not found", status: 404)
            }
            return TestHTTPResponse(status: 200, headers: [("Content-Type", "audio/wav")], body: .bytes(data))
        }
        var environment = ["VOICECONVERT_BASE_URL": fake.baseURL.absoluteString, "VOICECONVERT_API_KEY": key,
                           "DUBKIT_CONFIG_DIR": dir.path("config").path, "DUBKIT_POLL_INTERVAL": "0.02"]
        if publish {
            environment["VOICECONVERT_PUBLISH_DIR"] = publishDir.path
            environment["VOICECONVERT_PUBLIC_URL"] = web.url("/pub/").absoluteString
        }
        self.environment = environment
        let log = self.log
        adapter = try VoiceConvertAdapter(stateFolder: dir.path("ws/plugins/.state/voiceconvert"), environment: environment,
                                          log: { line in log.withLock { $0.append(line) } })
    }

    /// A reference recording: espeak-ng speech in a local file.
    func reference(_ name: String = "reference.wav") throws -> URL {
        struct SpeechFailed: Error {}
        let url = dir.path(name)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        process.arguments = ["-v", "en", "-w", url.path, "The timbre of this voice is the one to take."]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SpeechFailed() }
        return url
    }

    /// A dub of a local file, stored and ready to run.
    func fileDub(_ file: URL, voice: String, pitch: Int = 0, separate: Bool = false,
                 parameters: [String: JSONValue] = [:]) throws -> Int64 {
        let dub = try store.createDub(Dub(providerID: "voiceconvert", voiceRef: voice, sourceKind: .file, source: file.path,
                                          pitchShift: pitch, separate: separate, parameters: try DubParameters(parameters)))
        guard let id = dub.id else { throw MissingValue(what: "dub id") }
        return id
    }

    /// Runs a dub through the core's runner, polling fast and retrying transient failures after short waits.
    func run(_ id: Int64) async throws -> Dub {
        var runner = DubRunner(store: store, provider: adapter, pollInterval: 0.02)
        runner.retryDelay = 0.05
        return try await runner.run(id)
    }

    /// A generated tone WAV of `seconds`.
    func tone(_ name: String, seconds: Double = 1.5) throws -> URL {
        let url = dir.path(name)
        try Fixtures.tone(url, seconds: seconds)
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
