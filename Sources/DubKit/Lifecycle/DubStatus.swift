/// Where a dub is in its life: create, upload, preprocess, generate, download.
///
/// `done` means the converted audio is in the project's media store and decodes; a provider's own
/// "done" is seen while the dub is still `finalizing` (downloading and checking the result).
public enum DubStatus: String, LifecycleStatus {
    case new, uploading, uploaded, preprocessing, preprocessed
    case queued, starting, processing, finalizing, done, error

    public static let entity = EntityKind.dub

    /// The generate phase is driven by a provider that is polled, so a poll may miss a short-lived
    /// status: forward skips inside it are legal. `error` can be reached from every unfinished
    /// status; a retry leaves `error` for the first status of the stage that failed.
    public static let transitions: [DubStatus: Set<DubStatus>] = [
        .new: [.uploading, .error],
        .uploading: [.uploaded, .error],
        .uploaded: [.preprocessing, .error],
        .preprocessing: [.preprocessed, .error],
        .preprocessed: [.queued, .error],
        .queued: [.starting, .processing, .finalizing, .error],
        .starting: [.processing, .finalizing, .error],
        .processing: [.finalizing, .error],
        .finalizing: [.done, .error],
        .done: [],
        .error: [.uploading, .preprocessing, .queued],
    ]
}
