import DubKit
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// Writes an executable Python plugin into `<workspace>/.plugins/`.
private func installPlugin(_ id: String, in workspace: URL, body: String) throws {
    let folder = workspace.appendingPathComponent(".plugins")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent("dubkit-provider-\(id)")
    try ("#!/usr/bin/env python3\nimport json, sys, time\n" + body).write(to: file, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
}

/// A plugin that answers the handshake and describe, then behaves as `misbehaviour` says.
private func misbehavingPlugin(_ id: String, _ misbehaviour: String) -> String {
    """
    for line in sys.stdin:
        req = json.loads(line)
        m = req["method"]
        if m == "handshake":
            print(json.dumps({"id": req["id"], "result": {"protocolVersion": 1}}), flush=True)
        elif m == "describe":
            print(json.dumps({"id": req["id"], "result": {"id": "\(id)", "name": "\(id)"}}), flush=True)
        else:
    \(misbehaviour.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n"))
    """
}

@Suite("External plugins")
struct PluginTests {
    @Test("the example Python plugin runs a dub through the whole lifecycle into the media store")
    func exampleDubEndToEnd() async throws {
        let dir = try TemporaryDirectory()
        let workspace = Workspace(root: dir.path("ws"))
        let store = try workspace.createProject("plug")
        try Fixtures.installExamplePlugin(into: workspace.root)
        let registry = ProviderRegistry(builtIn: [], workspace: workspace, environment: ["PATH": "/usr/bin:/bin"])
        #expect(registry.plugins().map(\.id) == ["soxpitch"])

        let provider = try await registry.provider("soxpitch")
        #expect(provider.descriptor.billing == .perStartedSecond(credits: 1, minimumSeconds: 1))
        #expect(try await provider.voices(VoiceQuery(search: "hi")).voices.map(\.id) == ["high"])

        let input = dir.path("line.wav")
        try Fixtures.tone(input, seconds: 1.5)
        let dub = try store.createDub(Dub(providerID: "soxpitch", voiceRef: "high", sourceKind: .file, source: input.path,
                                          pitchShift: 3, parameters: try DubParameters(["gainDb": .number(-3)])))
        let id = try #require(dub.id)
        try provider.descriptor.validate(pitchShift: dub.pitchShift, parameters: dub.parameters)
        let finished = try await DubRunner(store: store, provider: provider).run(id)

        #expect(finished.status == .done, "\(finished.errorCode ?? "") \(finished.errorMessage ?? "")")
        #expect(finished.inputDurationMs == 1500)
        #expect(finished.creditsRequired == 2 && finished.creditsUsed == 2)
        let result = try #require(finished.resultMediaHash)
        #expect(store.media.contains(result))
        #expect(result != finished.sourceMediaHash)
        let steps = try store.events(of: .dub, id: id).compactMap(\.toStatus)
        #expect(steps.first == "new" && steps.last == "done")
        #expect(steps.contains("preprocessed") && steps.contains("queued") && steps.contains("finalizing"))
        let stages = try store.stageAttempts(dub: id)
        #expect(stages.map(\.stage) == [.upload, .preprocess, .generate, .download])
        #expect(stages.allSatisfy { $0.outcome == .succeeded && $0.providerJobID == finished.providerJobID })
        #expect(stages.first { $0.stage == .generate }?.requestFingerprint?.count == 64)
        #expect(try await provider.account().credits == 998)
    }

    @Test("a video's audio is extracted to a 44.1 kHz WAV in the media store before it is dubbed")
    func dubFromVideo() async throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("video")
        let provider = try await PluginProvider.launch(Fixtures.examplePlugin, expectedID: "soxpitch")
        let video = dir.path("clip.mp4")
        try Fixtures.video(video, seconds: 2)
        let id = try #require(try store.createDub(Dub(providerID: "soxpitch", voiceRef: "low", sourceKind: .file, source: video.path)).id)
        let dub = try await DubRunner(store: store, provider: provider).run(id)
        #expect(dub.status == .done, "\(dub.errorMessage ?? "")")
        let source = try MediaProbe.probe(store.media.url(for: try #require(dub.sourceMediaHash)))
        #expect(source.formatName == "wav")
        #expect(source.audioStreams.first?.sampleRate == 44_100 && source.audioStreams.first?.channels == 2)
        #expect(abs((dub.inputDurationMs ?? 0) - 2000) <= 50)
    }

    @Test("a source that is not media ends the dub in error with the media layer's code, before any job exists")
    func notMediaEndsInError() async throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("junk")
        let provider = try await PluginProvider.launch(Fixtures.examplePlugin, expectedID: "soxpitch")
        let junk = dir.path("junk.mp4")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: junk)
        let id = try #require(try store.createDub(Dub(providerID: "soxpitch", voiceRef: "low", sourceKind: .file, source: junk.path)).id)
        let dub = try await DubRunner(store: store, provider: provider).run(id)
        #expect(dub.status == .error)
        #expect(dub.errorCode?.hasPrefix("media.") == true)
        #expect(dub.errorMessage?.contains("junk.mp4") == true)
        #expect(dub.providerJobID == nil)
    }

    @Test("a provider error (unknown voice) ends the dub in error with the provider's code")
    func providerErrorEndsInError() async throws {
        let dir = try TemporaryDirectory()
        let workspace = Workspace(root: dir.path("ws"))
        let store = try workspace.createProject("plug")
        let provider = try await PluginProvider.launch(Fixtures.examplePlugin, expectedID: "soxpitch")
        let input = dir.path("a.wav")
        try Fixtures.tone(input, seconds: 0.5)
        let id = try #require(try store.createDub(Dub(providerID: "soxpitch", voiceRef: "whisper", sourceKind: .file, source: input.path)).id)
        let dub = try await DubRunner(store: store, provider: provider).run(id)
        #expect(dub.status == .error && dub.errorCode == "voice_not_found")
        #expect(try store.stageAttempts(dub: id).last?.outcome == .failed)
    }

    @Test("a generate that would cross the budget is refused before it is sent; the dub waits, preprocessed")
    func budget() async throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("budget")
        try store.setBudget(3)
        let provider = try await PluginProvider.launch(Fixtures.examplePlugin, expectedID: "soxpitch")
        let input = dir.path("a.wav")
        try Fixtures.tone(input, seconds: 1.5)
        let first = try #require(try store.createDub(Dub(providerID: "soxpitch", voiceRef: "low", sourceKind: .file, source: input.path)).id)
        let second = try #require(try store.createDub(Dub(providerID: "soxpitch", voiceRef: "high", sourceKind: .file, source: input.path)).id)
        #expect(try await DubRunner(store: store, provider: provider).run(first).status == .done)
        await #expect(throws: DubKitError.budgetExceeded(dub: second, required: 2, committed: 2, budget: 3)) {
            try await DubRunner(store: store, provider: provider).run(second)
        }
        #expect(try store.dub(second).status == .preprocessed)
        #expect(try store.lastAttempt(.generate, dub: second) == nil)
        #expect(try await provider.account().credits == 998)
        // An explicit budget for the run overrides the project's.
        #expect(try await DubRunner(store: store, provider: provider, budget: 4).run(second).status == .done)
        #expect(try store.summary().creditsUsed == 4)
    }

    @Test("a dub past upload without a provider job ends in error instead of looping")
    func missingJobEndsInError() async throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("stuck")
        let provider = try await PluginProvider.launch(Fixtures.examplePlugin, expectedID: "soxpitch")
        let id = try #require(try store.createDub(Dub(providerID: "soxpitch", voiceRef: "low", sourceKind: .file, source: "/x.wav")).id)
        try store.transitionDub(id, to: .uploading)
        try store.transitionDub(id, to: .uploaded)
        let dub = try await DubRunner(store: store, provider: provider).run(id)
        #expect(dub.status == .error && dub.errorCode == "invalid_field")
        #expect(dub.errorMessage?.contains("providerJobID") == true)
    }

    @Test("a plugin that crashes, hangs, prints garbage or answers the wrong id gives its own clear error",
          arguments: [
              ("crashy", "sys.exit(3)", "plugin_crashed"),
              ("sleepy", "time.sleep(30)", "plugin_timed_out"),
              ("noisy", "print('hello, world', flush=True)", "plugin_protocol"),
              ("confused", "print(json.dumps({\"id\": req[\"id\"] + 7, \"result\": {}}), flush=True)", "plugin_protocol"),
          ])
    func misbehavingPlugins(id: String, misbehaviour: String, code: String) async throws {
        let dir = try TemporaryDirectory()
        try installPlugin(id, in: dir.url, body: misbehavingPlugin(id, misbehaviour))
        let registry = ProviderRegistry(builtIn: [], workspace: Workspace(root: dir.url), pluginTimeout: 1, environment: ["PATH": "/usr/bin:/bin"])
        let provider = try await registry.provider(id)
        let started = Date()
        await #expect {
            try await provider.account()
        } throws: { error in
            (error as? ProviderError)?.code == code && (error.localizedDescription.contains("dubkit-provider-\(id)"))
        }
        #expect(Date().timeIntervalSince(started) < 5)
        // Once broken, the plugin stays refused rather than half-working.
        await #expect(throws: ProviderError.self) { try await provider.voices(VoiceQuery()) }
    }

    @Test("a plugin that dies at start, speaks another protocol version, or misnames itself is refused")
    func badHandshakes() async throws {
        let dir = try TemporaryDirectory()
        try installPlugin("dead", in: dir.url, body: "sys.exit(1)\n")
        try installPlugin("future", in: dir.url, body: """
            for line in sys.stdin:
                req = json.loads(line)
                print(json.dumps({"id": req["id"], "result": {"protocolVersion": 9}}), flush=True)
            """)
        try installPlugin("liar", in: dir.url, body: misbehavingPlugin("someone-else", "pass"))
        let registry = ProviderRegistry(builtIn: [], workspace: Workspace(root: dir.url), pluginTimeout: 2, environment: ["PATH": "/usr/bin:/bin"])
        let all = await registry.describeAll()
        #expect(all.map(\.id) == ["dead", "future", "liar"])
        let messages = all.map { entry -> String in
            if case let .failure(error) = entry.result { return error.localizedDescription }
            return "described"
        }
        #expect(messages[0].contains("dubkit-provider-dead stopped") && messages[0].contains("exit status 1"))
        #expect(messages[1].contains("protocol 9"))
        #expect(messages[2].contains("someone-else"))
        await #expect(throws: ProviderError.unknownProvider(id: "nothere", known: ["dead", "future", "liar"])) {
            try await registry.provider("nothere")
        }
    }
}
