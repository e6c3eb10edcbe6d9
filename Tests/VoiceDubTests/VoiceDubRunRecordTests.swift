import DubKit
import DubKitTestSupport
import Foundation
import Testing

/// What a dub's run leaves in the store, now that each stage hands the dub it stored to the next and
/// the transaction ending an upload (or finding the job done) also begins the stage after it.
@Suite("VoiceDub dub run's record")
struct VoiceDubRunRecordTests {
    private func expectOneSucceededAttemptAStage(_ store: ProjectStore, _ id: Int64, jobID: String?) throws {
        let attempts = try store.stageAttempts(dub: id)
        #expect(attempts.map(\.stage) == [.upload, .preprocess, .generate, .download])
        #expect(attempts.allSatisfy { $0.outcome == .succeeded && $0.attempt == 1 && $0.providerJobID == jobID })
    }

    @Test("the dub a run returns is the dub stored; each status is logged once, in order; one succeeded attempt a stage")
    func wholeRun() async throws {
        let h = try VoiceDubHarness()
        let id = try h.fileDub(try h.tone("line.wav"))
        let dub = try await h.run(id)

        #expect(dub.status == .done)
        #expect(try dub == h.store.dub(id))
        let hash = try require(dub.sourceMediaHash, "source audio")
        #expect(h.store.media.contains(hash))
        let steps = try h.store.events(of: .dub, id: id).compactMap(\.toStatus)
        #expect(Array(steps.prefix(6)) == ["new", "uploading", "uploaded", "preprocessing", "preprocessed", "queued"])
        #expect(Array(steps.suffix(2)) == ["finalizing", "done"])
        #expect(steps.dropFirst(6).dropLast(2).allSatisfy { $0 == "starting" || $0 == "processing" }, "\(steps)")
        #expect(Set(steps).count == steps.count, "\(steps)")
        try expectOneSucceededAttemptAStage(h.store, id, jobID: dub.providerJobID)
    }

    @Test("a run told to stop at uploaded or finalizing stops there without starting the next stage")
    func stopsBetweenStages() async throws {
        let h = try VoiceDubHarness()
        let id = try h.fileDub(try h.tone("line.wav"))
        var runner = DubRunner(store: h.store, provider: h.adapter, pollInterval: 0.01)
        runner.retryDelay = 0.05

        let uploaded = try await runner.run(id, until: [.uploaded])
        #expect(try uploaded.status == .uploaded && uploaded == h.store.dub(id))
        #expect(try h.store.stageAttempts(dub: id).map(\.stage) == [.upload])

        let finalizing = try await runner.run(id, until: [.finalizing])
        #expect(try finalizing.status == .finalizing && finalizing == h.store.dub(id))
        #expect(try h.store.stageAttempts(dub: id).map(\.stage) == [.upload, .preprocess, .generate])

        let done = try await runner.run(id)
        #expect(try done.status == .done && done == h.store.dub(id))
        try expectOneSucceededAttemptAStage(h.store, id, jobID: done.providerJobID)
    }
}
