import Foundation

/// Paces one rule of a provider's limits within this process (see ``RequestPacing``): for each key,
/// one turn at a time, each starting at least `interval × (1 + safetyMargin)` after the last request
/// of the previous turn actually left, so a request that left late pushes the next one back; and
/// every turn is held back while the service has asked to wait.
public actor RequestPacer: RequestPacing {
    /// What is added to every interval (5 %): room for the network carrying two requests unevenly.
    public static let safetyMargin = 0.05

    public nonisolated let interval: Double
    private let spacing: Duration
    private var keys: [String: KeyState] = [:]
    private var pausedUntil = ContinuousClock.now
    private var lastNumber: UInt64 = 0

    private struct KeyState {
        /// When the last request of the key's last turn left.
        var lastSent: ContinuousClock.Instant?
        /// The turn running now.
        var holder: UInt64?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Turns of a key at least `interval` seconds apart (plus the margin); 0 paces nothing.
    public init(interval: Double) {
        self.interval = max(0, interval)
        spacing = .seconds(self.interval * (1 + Self.safetyMargin))
    }

    /// Turns `60 / perMinute` s apart (nil or 0: no limit).
    public init(perMinute: Int?) {
        self.init(interval: perMinute.map { $0 > 0 ? 60 / Double($0) : 0 } ?? 0)
    }

    public func take(_ key: String) async throws -> PacingTurn {
        lastNumber += 1
        let number = lastNumber
        guard interval > 0 else {
            // No spacing: only a pause holds the request back, and turns run side by side.
            while pausedUntil > .now { try await Task.sleep(until: pausedUntil, clock: .continuous) }
            return PacingTurn(key: key, number: number)
        }
        while true {
            try Task.checkCancellation()
            if keys[key]?.holder != nil {
                await withCheckedContinuation { keys[key, default: KeyState()].waiters.append($0) }
                continue
            }
            var earliest = pausedUntil
            if let sent = keys[key]?.lastSent { earliest = max(earliest, sent + spacing) }
            if earliest > .now {
                try await Task.sleep(until: earliest, clock: .continuous)
                continue // another turn of the key may have started meanwhile, or a pause begun
            }
            keys[key, default: KeyState()].holder = number
            return PacingTurn(key: key, number: number)
        }
    }

    public func end(_ turn: PacingTurn, lastSent: ContinuousClock.Instant?) {
        guard var state = keys[turn.key], state.holder == turn.number else { return }
        state.holder = nil
        if let lastSent { state.lastSent = max(state.lastSent ?? lastSent, lastSent) }
        let waiters = state.waiters
        state.waiters = []
        keys[turn.key] = state
        for waiter in waiters { waiter.resume() }
    }

    /// How many callers wait for the turn of `key` held now (for tests).
    func waiting(_ key: String) -> Int { keys[key]?.waiters.count ?? 0 }

    public func pause(_ seconds: Double) {
        pausedUntil = max(pausedUntil, .now + .seconds(max(0, seconds)))
    }
}
