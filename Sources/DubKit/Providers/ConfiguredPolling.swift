/// A provider built with poll intervals of its own (its minimum, or `DUBKIT_POLL_INTERVAL`'s
/// override, as the kit's `ProviderConfiguration` reads them): the core keeps the reads of each of
/// its jobs that far apart (``PacedProvider``), whatever interval a runner polls at.
public protocol ConfiguredPolling: Provider {
    /// Seconds between two reads of one dub job; nil leaves it to the runner (or the descriptor).
    var dubPollInterval: Double? { get }
    /// Seconds between two reads of one voice training; nil leaves it to the runner (or the descriptor).
    var trainingPollInterval: Double? { get }
}

extension ConfiguredPolling {
    /// A provider that trains no voices has no training reads to keep apart.
    public var trainingPollInterval: Double? { nil }
}
