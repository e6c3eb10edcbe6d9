@testable import DubKit
import Foundation
import Testing

/// The in-process pacer: turns measured from when requests actually left. Every timing assertion
/// is a lower bound, which a busy machine can only make longer.
@Suite("a request pacer keeps turns apart by actual sends", .timeLimit(.minutes(1)))
struct RequestPacerTests {
    /// `interval × (1 + margin)`.
    static func spaced(_ interval: Double) -> Duration { .seconds(interval * (1 + RequestPacer.safetyMargin)) }

    @Test("a request that left late pushes the next turn back from when it left, not from its turn")
    func lateSendPushesNextBack() async throws {
        let pacer = RequestPacer(interval: 0.1)
        let first = try await pacer.take("request")
        // The request left 0.3 s after its turn began, as on a stalled machine.
        let left = ContinuousClock.now + .milliseconds(300)
        await pacer.end(first, lastSent: left)
        _ = try await pacer.take("request")
        #expect(ContinuousClock.now >= left + Self.spaced(0.1))
    }

    @Test("a turn whose request never left keeps the spacing from the last one that did")
    func unsentTurnKeepsEarlierSpacing() async throws {
        let pacer = RequestPacer(interval: 0.2)
        let first = try await pacer.take("request")
        let left = ContinuousClock.now
        await pacer.end(first, lastSent: left)
        let second = try await pacer.take("request")
        await pacer.end(second, lastSent: nil)
        _ = try await pacer.take("request")
        #expect(ContinuousClock.now >= left + Self.spaced(0.2))
    }

    @Test("turns of one key run one at a time; another key does not wait for them")
    func oneTurnOfAKeyAtATime() async throws {
        let pacer = RequestPacer(interval: 0.01)
        let held = try await pacer.take("dub-1")
        let other = try await pacer.take("dub-2") // would never return if keys shared their turn
        await pacer.end(other, lastSent: nil)
        let next = Task { () throws -> ContinuousClock.Instant in
            _ = try await pacer.take("dub-1")
            return ContinuousClock.now
        }
        while await pacer.waiting("dub-1") == 0 { try await Task.sleep(for: .milliseconds(2)) }
        let ended = ContinuousClock.now
        await pacer.end(held, lastSent: nil)
        #expect(try await next.value >= ended)
    }

    @Test("a pause holds every turn back, with and without spacing", arguments: [0.0, 0.05])
    func pauseHoldsTurns(interval: Double) async throws {
        let pacer = RequestPacer(interval: interval)
        let asked = ContinuousClock.now
        await pacer.pause(0.3)
        _ = try await pacer.take("request")
        #expect(ContinuousClock.now >= asked + .milliseconds(300))
    }

    @Test("without an interval turns run side by side")
    func noIntervalNoTurns() async throws {
        let pacer = RequestPacer(perMinute: nil)
        #expect(pacer.interval == 0)
        _ = try await pacer.take("request")
        _ = try await pacer.take("request") // not ended: would never return if turns were held
        #expect(RequestPacer(perMinute: 400).interval == 0.15)
    }
}
