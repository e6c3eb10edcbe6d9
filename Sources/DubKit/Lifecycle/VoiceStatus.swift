/// Where a custom voice is in its training: dataset upload, then the provider's training job.
public enum VoiceStatus: String, LifecycleStatus {
    case new, uploading, queued, starting, processing, finalizing, done, error

    public static let entity = EntityKind.voice

    /// As for dubs, the provider-driven part (queued to finalizing) may be observed with gaps,
    /// and a retry leaves `error` for the stage that failed.
    public static let transitions: [VoiceStatus: Set<VoiceStatus>] = [
        .new: [.uploading, .error],
        .uploading: [.queued, .error],
        .queued: [.starting, .processing, .finalizing, .error],
        .starting: [.processing, .finalizing, .error],
        .processing: [.finalizing, .error],
        .finalizing: [.done, .error],
        .done: [],
        .error: [.uploading, .queued],
    ]
}
