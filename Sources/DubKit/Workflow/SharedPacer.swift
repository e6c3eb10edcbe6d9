import Foundation
import Synchronization

/// A ``RequestPacing`` rule kept in a ``PaceStore`` (the project's store), so that every runner and
/// every `dubkit` process on the project keeps it together: turns of one key of one provider (a
/// job's reads: `dub-<job>`, `voice-<voice>`) run one at a time, each starting at least the interval
/// (plus ``RequestPacer/safetyMargin``) after the last request of the key's previous turn left.
///
/// The instants are kept as wall-clock times. A process that dies holding a turn holds nothing: the
/// next taker on this machine sees its process gone; one on another machine waits out the lease. A
/// clock set back never makes a turn wait more than one interval.
public final class SharedPacer: RequestPacing {
    public let interval: Double
    /// The provider whose rule this is.
    public let provider: String
    let store: any PaceStore
    let holder: RunnerIdentity
    private let spacingMs: Int64
    /// Numbers the turns of every shared pacer of this process, so no two are taken for one another.
    private static let lastNumber = Atomic<UInt64>(0)

    /// How long a turn is held at most when its holder cannot be seen to be gone (another machine).
    public static let leaseSeconds = 120.0

    /// `provider`'s rule of `interval` seconds, kept in `store`.
    public init(_ store: any PaceStore, provider: String, interval: Double, holder: RunnerIdentity = .current) {
        self.store = store
        self.provider = provider
        self.interval = max(0, interval)
        self.holder = holder
        spacingMs = Int64((self.interval * (1 + RequestPacer.safetyMargin) * 1000).rounded(.up))
    }

    public func take(_ key: String) async throws -> PacingTurn {
        let number = Self.lastNumber.add(1, ordering: .relaxed).newValue
        let clock = ContinuousClock()
        while true {
            try Task.checkCancellation()
            let now = Self.wallMs()
            switch try await store.startTurn(provider: provider, key: key, holder: holder, number: number, spacingMs: spacingMs,
                                       leaseMs: Int64(Self.leaseSeconds * 1000), nowMs: now) {
            case .started:
                return PacingTurn(key: key, number: number)
            case let .wait(until):
                try await clock.sleep(for: .milliseconds(max(1, until - now)))
            }
        }
    }

    public func end(_ turn: PacingTurn, lastSent: ContinuousClock.Instant?) async {
        guard interval > 0 else { return }
        let sent = lastSent.map { Self.wallMs() - Self.milliseconds(ContinuousClock.now - $0) }
        // A failed write leaves the turn to its lease (or to this process's end).
        try? await store.endTurn(provider: provider, key: turn.key, holder: holder, number: turn.number, lastSentMs: sent)
    }

    public func pause(_ seconds: Double) async {
        try? await store.pause(provider: provider, untilMs: Self.wallMs() + Int64(max(0, seconds) * 1000))
    }

    /// Now, in milliseconds since 1970.
    static func wallMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
