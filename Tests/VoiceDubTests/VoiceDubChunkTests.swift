import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
import VoiceDubProvider

/// Long dubs cut into chunks, through the core's runner and the VoiceDub adapter against the fake.
@Suite("chunked dubs through VoiceDub")
struct VoiceDubChunkTests {
    /// A dub of `seconds` of looped speech with pauses, cut at `chunk` seconds.
    func chunkedDub(_ h: VoiceDubHarness, seconds: Double = 30, chunk: Double = 10, pitch: Int = 0) throws -> Int64 {
        let speech = h.dir.path("speech-\(Int(seconds)).wav")
        try SpeechLoop.write(speech, seconds: seconds)
        var dub = try Dub(providerID: "voicedub", voiceRef: h.publicVoice, sourceKind: .file, source: speech.path, pitchShift: pitch)
        dub.chunkSeconds = chunk
        return try #require(try h.store.createDub(dub).id)
    }

    func frames(_ url: URL) throws -> Int64 {
        let layout = try RawAudioWAV.layout(of: url)
        return layout.dataBytes / Int64(layout.channels * 2)
    }

    @Test("a dub cut by --chunk runs as chunk dubs: each generated once, billed per chunk, joined to the source's length")
    func chunkedRun() async throws {
        let h = try VoiceDubHarness()
        let id = try chunkedDub(h, pitch: 2)

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let chunks = try h.store.chunks(of: id)
        #expect(dub.chunkCount == chunks.count && (3...4).contains(chunks.count), "\(chunks.count) chunks")
        #expect(dub.providerJobID == nil, "the dub itself has no job at VoiceDub; its chunks do")
        for (index, chunk) in chunks.enumerated() {
            #expect(chunk.status == .done && chunk.parentID == id && chunk.chunkIndex == index)
            let job = try #require(chunk.providerJobID)
            #expect(h.fake.calls(.generateDub, id: job) == 1 && h.fake.dub(job)?.generateCalls == 1)
            let span = (chunk.chunkEndMs ?? 0) - (chunk.chunkStartMs ?? 0)
            #expect(span <= 10_000, "chunk \(index) lasts \(span) ms")
            // Under a minute each: 10 credits a chunk, not 10 for the whole 30 s.
            #expect(chunk.creditsRequired == 10 && chunk.creditsUsed == 10)
        }
        for (before, after) in zip(chunks, chunks.dropFirst()) {
            #expect((before.chunkEndMs ?? 0) - (after.chunkStartMs ?? 0) == 2 * ChunkPlanner.overlapMs)
        }
        #expect(h.fake.dubIDs.count == chunks.count)
        let charged = Int64(10 * chunks.count)
        #expect(dub.creditsRequired == charged && dub.creditsUsed == charged)
        #expect(h.fake.credits == 10_000 - charged)
        #expect(try h.store.committedCredits() == charged, "a chunked dub's credits count once, through its chunks")
        // The joined result has the stored source's length to the sample, and keeps to it.
        let source = h.store.media.url(for: try #require(dub.sourceMediaHash))
        let result = h.store.media.url(for: try #require(dub.resultMediaHash))
        #expect(try frames(result) == frames(source))
        let sync = try #require(dub.syncReport)
        #expect(!sync.flagged && sync.maxDriftMs <= 20 && abs(sync.lengthDifferenceMs) <= 10, "\(sync)")
        // Chunks are run and listed through their dub.
        #expect(try h.store.dubs().map(\.id) == [id])
        #expect(try h.store.dubs(chunks: true).count == 1 + chunks.count)
        h.expectAnswersMatchSpec()
    }

    @Test("a chunk that fails fails its dub with the chunk's error; retry runs only that chunk again")
    func failedChunkRetried() async throws {
        let h = try VoiceDubHarness()
        let id = try chunkedDub(h)
        // The first generate request is accepted and its dub then fails at VoiceDub.
        h.fake.inject(.dubFails(code: "render_failed", message: "The voice could not be rendered"), on: .generateDub)

        let failed = try await h.run(id)

        #expect(failed.status == .error)
        #expect(failed.errorCode == "render_failed")
        #expect(failed.errorMessage?.contains("chunk") == true && failed.errorMessage?.contains("dub retry \(id)") == true,
                "\(failed.errorMessage ?? "")")
        let before = try h.store.chunks(of: id)
        let bad = try #require(before.first { $0.status == .error })
        let badJob = try #require(bad.providerJobID)
        let finished = before.filter { $0.status == .done }
        #expect(before.filter { $0.status == .error }.count == 1)

        let runner = DubRunner(store: h.store, provider: h.adapter, pollInterval: 0.01)
        let plan = try await runner.retry(id)
        #expect(plan.newJob && plan.reason.contains("dub \(bad.id ?? 0)"), "\(plan)")
        let done = try await h.run(id)

        #expect(done.status == .done, "\(done.errorCode ?? ""): \(done.errorMessage ?? "")")
        let after = try h.store.chunks(of: id)
        for chunk in finished {
            // A finished chunk is neither sent nor downloaded again.
            let same = try #require(after.first { $0.id == chunk.id })
            #expect(same.providerJobID == chunk.providerJobID && same.resultMediaHash == chunk.resultMediaHash)
            #expect(try h.store.stageAttempts(dub: chunk.id ?? 0).filter { $0.stage == .generate }.count == 1)
        }
        let retried = try #require(after.first { $0.id == bad.id })
        #expect(retried.providerJobID != badJob && retried.status == .done)
        #expect(h.fake.calls(.generateDub, id: badJob) == 1)
        #expect(h.fake.calls(.generateDub) == after.count + 1, "one generate per chunk, and one more for the failed chunk's new job")
    }

    @Test("the budget must hold every chunk before the first is generated")
    func budgetHoldsAllChunks() async throws {
        let h = try VoiceDubHarness()
        let id = try chunkedDub(h)
        try h.store.setBudget(25)

        await #expect(throws: DubKitError.self) { try await h.run(id) }

        let dub = try h.store.dub(id)
        #expect(dub.status == .preprocessed && (dub.creditsRequired ?? 0) >= 30, "\(dub.status) \(dub.creditsRequired ?? -1)")
        #expect(h.fake.calls(.generateDub) == 0)
        #expect(try h.store.chunks(of: id).allSatisfy { $0.status == .preprocessed })
    }

    @Test("cancelling a chunked dub cancels its chunks")
    func cancelChunks() async throws {
        let h = try VoiceDubHarness()
        let id = try chunkedDub(h)
        let runner = DubRunner(store: h.store, provider: h.adapter, pollInterval: 0.01)
        let stopped = try await runner.run(id, until: [.preprocessed])
        #expect(stopped.status == .preprocessed)

        _ = try await runner.cancel(id)

        #expect(try h.store.dub(id).status == .cancelled)
        #expect(try h.store.chunks(of: id).allSatisfy { $0.status == .cancelled })
    }

    @Test("a link dub with --chunk is fetched and cut here, not handed to VoiceDub whole")
    func linkChunked() async throws {
        let h = try VoiceDubHarness()
        let speech = h.dir.path("served.wav")
        try SpeechLoop.write(speech, seconds: 25)
        let bytes = try Data(contentsOf: speech)
        let media = try TestHTTPServer { _ in
            TestHTTPResponse(status: 200, headers: [("Content-Type", "audio/wav")], body: .bytes(bytes))
        }
        var dub = try Dub(providerID: "voicedub", voiceRef: h.publicVoice, sourceKind: .link,
                          source: media.url("/media/served.wav").absoluteString)
        dub.chunkSeconds = 10
        let id = try #require(try h.store.createDub(dub).id)

        let done = try await h.run(id)

        #expect(done.status == .done, "\(done.errorCode ?? ""): \(done.errorMessage ?? "")")
        #expect((done.chunkCount ?? 0) >= 3)
        #expect(h.fake.dubIDs.allSatisfy { h.fake.dub($0)?.link == nil && (h.fake.dub($0)?.uploadedBytes ?? 0) > 0 })
    }
}
