import GRDB

/// The project's store keeps the providers' pacing rules for every process on the project
/// (``SharedPacer``): one `provider_pace` row a provider and key.
extension ProjectStore: PaceStore {
    public func startTurn(provider: String, key: String, holder: RunnerIdentity, number: UInt64, spacingMs: Int64,
                          leaseMs: Int64, nowMs: Int64) throws(DubKitError) -> PaceStart {
        if spacingMs == 0 {
            let paused = try read { db in try ProviderPace.fetchOne(db, key: Self.paceKey(provider, ProviderPace.pauseKey)) }
            return Self.pauseEnd(paused, nowMs: nowMs).map { .wait(untilMs: $0) } ?? .started
        }
        // Unfenced: a turn is no write of the dub or voice a runner claims.
        return try unfenced.write { db in
            let rows = try ProviderPace.filter(ProviderPace.CodingKeys.providerID == provider
                                               && [key, ProviderPace.pauseKey].contains(ProviderPace.CodingKeys.key)).fetchAll(db)
            var pace = rows.first { $0.key == key } ?? ProviderPace(providerID: provider, key: key)
            if let holding = pace.holder, !pace.isHeld(by: holder, number: number),
               (pace.heldUntilMs ?? 0) > nowMs, !holding.isGoneFromThisHost {
                return .wait(untilMs: nowMs + PaceStart.heldRetryMs)
            }
            var earliest = Self.pauseEnd(rows.first { $0.key == ProviderPace.pauseKey }, nowMs: nowMs) ?? nowMs
            // A clock set back never makes the key wait more than one spacing.
            if let sent = pace.lastSentMs { earliest = max(earliest, min(sent + spacingMs, nowMs + spacingMs)) }
            if earliest > nowMs { return .wait(untilMs: earliest) }
            pace.hold(holder, number: number, untilMs: nowMs + leaseMs)
            try pace.save(db)
            return .started
        }
    }

    public func endTurn(provider: String, key: String, holder: RunnerIdentity, number: UInt64,
                        lastSentMs: Int64?) throws(DubKitError) {
        try unfenced.write { db in
            guard var pace = try ProviderPace.fetchOne(db, key: Self.paceKey(provider, key)) else { return }
            let before = pace
            // A send is kept even when the turn was taken over meanwhile: the next turn keeps apart from it.
            if let lastSentMs { pace.lastSentMs = max(pace.lastSentMs ?? lastSentMs, lastSentMs) }
            if pace.isHeld(by: holder, number: number) { pace.hold(nil) }
            try pace.updateChanges(db, from: before)
        }
    }

    public func pause(provider: String, untilMs: Int64) throws(DubKitError) {
        try unfenced.write { db in
            var pace = try ProviderPace.fetchOne(db, key: Self.paceKey(provider, ProviderPace.pauseKey))
                ?? ProviderPace(providerID: provider, key: ProviderPace.pauseKey)
            guard (pace.lastSentMs ?? 0) < untilMs else { return }
            pace.lastSentMs = untilMs
            try pace.save(db)
        }
    }

    private static func paceKey(_ provider: String, _ key: String) -> [String: (any DatabaseValueConvertible)?] {
        ["provider_id": provider, "key": key]
    }

    /// When a provider's pause ends, when it is paused now.
    private static func pauseEnd(_ pause: ProviderPace?, nowMs: Int64) -> Int64? {
        guard let end = pause?.lastSentMs, end > nowMs else { return nil }
        return end
    }
}
