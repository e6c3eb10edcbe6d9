import DubKit
import DubKitTestSupport
import Foundation
import Testing

/// A request pacer that records each turn it hands out and how it ended.
private actor RecordingPacer: RequestPacing {
    nonisolated let interval: Double
    private let inner: RequestPacer
    private(set) var taken: [(turn: PacingTurn, at: ContinuousClock.Instant)] = []
    private(set) var ended: [(turn: PacingTurn, lastSent: ContinuousClock.Instant?)] = []

    init(interval: Double) {
        self.interval = interval
        inner = RequestPacer(interval: interval)
    }

    func take(_ key: String) async throws -> PacingTurn {
        let turn = try await inner.take(key)
        taken.append((turn, .now))
        return turn
    }

    func end(_ turn: PacingTurn, lastSent: ContinuousClock.Instant?) async {
        ended.append((turn, lastSent))
        await inner.end(turn, lastSent: lastSent)
    }

    func pause(_ seconds: Double) async { await inner.pause(seconds) }
}

@Suite("a paced provider paces what it hands to an external plugin", .timeLimit(.minutes(1)))
struct PacedProviderTests {
    @Test("each call to a plugin takes a turn at the request pacer, which ends when the call was written to the plugin")
    func pluginCallsTakeTurns() async throws {
        let dir = try TemporaryDirectory()
        let workspace = Workspace(root: dir.path("ws"))
        try Fixtures.installExamplePlugin(into: workspace.root)
        let registry = ProviderRegistry(builtIn: [], workspace: workspace, environment: ["PATH": "/usr/bin:/bin"])
        let plugin = try await registry.provider("soxpitch")
        let pacer = RecordingPacer(interval: 0.1)
        let paced = PacedProvider(plugin, pacer: pacer)

        for _ in 0..<3 { _ = try await paced.voices(VoiceQuery(search: "hi")) }

        let taken = await pacer.taken
        let ended = await pacer.ended
        #expect(taken.count == 3 && ended.count == 3)
        #expect(Set(taken.map(\.turn.key)) == ["request"])
        for (index, end) in ended.enumerated() {
            let sent = try #require(end.lastSent, "call \(index) was not reported as sent")
            #expect(sent >= taken[index].at)
            // The next call's turn keeps the pacer's spacing from this one's send.
            if index + 1 < taken.count { #expect(taken[index + 1].at - sent >= .milliseconds(105)) }
        }
    }
}
