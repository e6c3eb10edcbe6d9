import DubKit
import DubKitTestSupport
import FakeKits
import Foundation
import KitsProvider
import Testing

/// A batch of Kits dubs through the core's `DubBatch`, with the pacing a provider's limits ask for,
/// measured where it matters: at the fake server.
@Suite("Kits batches keep to the pace")
struct KitsBatchPacingTests {
    /// Seconds between consecutive instants.
    static func gaps(_ times: [ContinuousClock.Instant]) -> [Double] {
        zip(times, times.dropFirst()).map { earlier, later in
            let d = later - earlier
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
    }

    @Test("inside a batch every request keeps to the request rate, each conversion POST to the submission rate, and polls of one conversion stay the interval apart")
    func batchKeepsToThePace() async throws {
        let h = try KitsHarness(stage: .milliseconds(400))
        let ids = try (0..<3).map { index in
            try h.fileDub(try h.tone("p\(index).wav", seconds: 0.6, frequency: 200 + 40 * index))
        }
        // A plan's limits, short enough for a test: 400 requests a minute (0.15 s apart), 100 conversions
        // a minute (0.6 s from one's end to the next's start), polls of one conversion 0.35 s apart.
        let paced = PacedProvider(h.adapter, pacer: RequestPacer(requestsPerMinute: 400),
                                  submissions: IntervalGate(interval: 0.6), polls: IntervalGate(interval: 0.35))
        let outcomes = await DubBatch(store: h.store, jobsPerProvider: 3, pollInterval: 0.05, retryDelay: 0.05)
            .run(try ids.map { try h.store.dub($0) }) { _ in paced }
        for id in ids {
            guard case let .finished(dub)? = outcomes[id] else { Issue.record("dub \(id) did not finish"); continue }
            #expect(dub.status == .done, "dub \(id): \(dub.status) \(dub.errorMessage ?? "")")
        }
        let tolerance = 0.02
        let posts = h.fake.callTimes(.createConversion)
        #expect(posts.count == 3)
        #expect(Self.gaps(posts).allSatisfy { $0 >= 0.6 - tolerance }, "conversion POSTs \(Self.gaps(posts)) s apart")
        let api = h.fake.callTimes()
        #expect(api.count >= 9)
        #expect(Self.gaps(api).allSatisfy { $0 >= 0.15 - tolerance }, "requests \(Self.gaps(api).map { String(format: "%.3f", $0) }) s apart")
        // The batch's own loop polls every 0.05 s: only the scheduler keeps one conversion's reads 0.35 s
        // apart. The last read of each is the download's (for a fresh signed URL), not a poll.
        #expect(h.fake.conversionIDs.count == 3)
        for conversion in h.fake.conversionIDs {
            let polls = h.fake.callTimes(.getConversion, id: conversion).dropLast()
            #expect(polls.count >= 1)
            #expect(Self.gaps(Array(polls)).allSatisfy { $0 >= 0.35 - tolerance },
                    "conversion \(conversion) polled \(Self.gaps(Array(polls))) s apart")
        }
    }
}
