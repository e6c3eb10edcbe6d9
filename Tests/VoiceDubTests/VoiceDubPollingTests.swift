import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
import VoiceDubProvider

@Suite("VoiceDub polling pace")
struct VoiceDubPollingTests {
    @Test("reads of one dub are never closer than the configured interval, however fast the core polls, retries included")
    func dubPollingPace() async throws {
        let h = try VoiceDubHarness(pollInterval: 0.3, stage: .milliseconds(150))
        h.fake.inject(.serverError, on: .getDub, times: 2)
        h.fake.inject(.rateLimited(retryAfterSeconds: 0), on: .getDub)
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1))

        let dub = try await h.run(id) // the core asks every 10 ms

        #expect(dub.status == .done)
        let times = h.fake.callTimes(.getDub, id: dub.providerJobID)
        #expect(times.count >= 4)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= .milliseconds(300), "two reads \(later - earlier) apart")
        }
    }

    @Test("reads of one voice keep the same pace")
    func voicePollingPace() async throws {
        let h = try VoiceDubHarness(pollInterval: 0.3, stage: .milliseconds(150))
        let dataset = try h.store.createDataset(named: "narrator")
        _ = try await h.store.addRecording(try h.speech("take1.wav"), to: dataset)

        let voice = try await h.trainer().train(name: "narrator", dataset: dataset, maxMinutes: 5)

        #expect(voice.status == .done)
        let times = h.fake.callTimes(.getVoice, id: voice.providerVoiceID)
        #expect(times.count >= 3)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= .milliseconds(300), "two reads \(later - earlier) apart")
        }
    }

    @Test("without DUBKIT_POLL_INTERVAL a dub is read at most once every 3 seconds")
    func defaultInterval() async throws {
        let h = try VoiceDubHarness(pollInterval: nil)
        #expect(h.adapter.pollInterval == 3)
        #expect(h.adapter.descriptor.minimumPollInterval == 3)
        let created = try await h.adapter.createDub(DubJobRequest(voice: h.publicVoice, pitchShift: 0, separate: false,
                                                                  parameters: .empty))
        // Paced as every runner paces it: by the core, in the project's store.
        let paced = PacedProvider(h.adapter, store: h.store, pollInterval: nil)
        _ = try await paced.pollDub(jobID: created.jobID)
        _ = try await paced.pollDub(jobID: created.jobID)
        let times = h.fake.callTimes(.getDub, id: created.jobID)
        #expect(times.count == 2)
        if times.count == 2 { #expect(times[1] - times[0] >= .milliseconds(2990)) }
    }

    @Test("two adapters sharing a workspace (two dubkit processes) read one dub no faster than the interval together")
    func paceAcrossAdapters() async throws {
        let h = try VoiceDubHarness(pollInterval: 0.25)
        // Each with its own store connection and pacer, as a second process opens the project: only the
        // project's store is shared.
        let second = try Workspace(root: h.dir.path("ws")).openProject("films")
        let first = PacedProvider(h.adapter, store: h.store, pollInterval: nil)
        let other = PacedProvider(try h.secondAdapter(), store: second, pollInterval: nil)
        let created = try await h.adapter.createDub(DubJobRequest(voice: h.publicVoice, pitchShift: 0, separate: false,
                                                                  parameters: .empty))
        let job = created.jobID

        try await withThrowingTaskGroup(of: Void.self) { group in
            for adapter in [first, other] {
                group.addTask {
                    for _ in 0..<4 { _ = try await adapter.pollDub(jobID: job) }
                }
            }
            try await group.waitForAll()
        }

        let times = h.fake.callTimes(.getDub, id: job)
        #expect(times.count == 8)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= .milliseconds(250), "two reads \(later - earlier) apart")
        }
        // The pace is kept in the project's store, not in files of the adapter's state folder.
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: h.stateFolder.path)) ?? []
        #expect(!kept.contains { $0.hasPrefix("poll-") }, "\(kept)")
    }
}
