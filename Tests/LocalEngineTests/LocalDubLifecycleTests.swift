import DubKit
import DubKitTestSupport
import Foundation
import Testing
@testable import DubKitVoiceDSP
@testable import LocalEngine

@Suite("A dub with the local provider")
struct LocalDubLifecycleTests {
    @Test("goes new → uploading → uploaded → preprocessing → preprocessed → queued → finalizing → done, every stage once, free, leaving no WAV behind")
    func lifecycle() async throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-lifecycle")
        let store = try Workspace(root: dir.path("ws")).createProject("life")
        let state = dir.path("state")
        let provider = LocalProvider(stateFolder: state)
        let created = try store.createDub(Dub(providerID: "local", voiceRef: "deep", sourceKind: .file, source: fixtures.m3Test.path))
        let id = try #require(created.id)
        let dub = try await DubRunner(store: store, provider: provider, pollInterval: 0.01).run(id)
        #expect(dub.status == .done)

        // The recorded path, each step allowed by the transition table.
        let events = try store.events(of: .dub, id: id)
        let statuses = events.compactMap(\.toStatus)
        #expect(statuses == ["new", "uploading", "uploaded", "preprocessing", "preprocessed", "queued", "finalizing", "done"])
        #expect(events.first?.kind == .created && events.dropFirst().allSatisfy { $0.kind == .transition })
        for event in events.dropFirst() {
            let from = try #require(event.fromStatus.flatMap(DubStatus.init(rawValue:)))
            let to = try #require(event.toStatus.flatMap(DubStatus.init(rawValue:)))
            #expect(DubStatus.transitions[from]?.contains(to) == true, "\(from) → \(to)")
        }
        #expect(zip(statuses, statuses.dropFirst()).allSatisfy { pair in
            events.contains { $0.fromStatus == pair.0 && $0.toStatus == pair.1 }
        })

        // Every stage ran once and succeeded, and nothing was paid.
        let attempts = try store.stageAttempts(dub: id)
        #expect(attempts.map(\.stage) == [.upload, .preprocess, .generate, .download])
        #expect(attempts.allSatisfy { $0.outcome == .succeeded && $0.attempt == 1 && $0.finishedAt != nil })
        #expect(dub.creditsRequired == 0 && dub.creditsUsed == 0)
        let (source, rate) = try TestAudio.samples(fixtures.m3Test)
        #expect(abs(Double(dub.inputDurationMs ?? 0) - 1000 * Double(source.count) / Double(rate)) <= 25)

        // The result is in the media store; the engine's own copy is gone from its state folder.
        let result = try #require(dub.resultMediaHash)
        #expect(FileManager.default.fileExists(atPath: store.media.url(for: result).path))
        let left = try FileManager.default.contentsOfDirectory(atPath: state.path)
        #expect(!left.isEmpty && left.allSatisfy { $0.hasSuffix(".json") }, "left in the state folder: \(left)")
        // A second download has nothing to fetch and says why.
        let job = try #require(dub.providerJobID)
        await #expect(throws: ProviderError.self) { try await provider.downloadDub(jobID: job, to: dir.path("again.wav")) }
    }
}
