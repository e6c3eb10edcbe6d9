/// Where a dub is in its life: create, upload, preprocess, generate, download.
///
/// `done` means the converted audio is in the project's media store and decodes; a provider's own
/// "done" is seen while the dub is still `finalizing` (downloading and checking the result).
public enum DubStatus: String, LifecycleStatus, StoredEnum {
    case new, uploading, uploaded, preprocessing, preprocessed
    case queued, starting, processing, finalizing, done, error, cancelled

    public static let entity = EntityKind.dub

    /// The generate phase is driven by a provider that is polled, so a poll may miss a short-lived
    /// status: forward skips inside it are legal. `error` can be reached from every unfinished
    /// status; a retry leaves `error` for the status the failed stage starts from (`preprocessed` to
    /// send generate again, `queued` to poll a job that was sent, `finalizing` to download again).
    /// `cancelled` is reached by `dub cancel` from every unfinished status and is final.
    public static let transitions: [DubStatus: Set<DubStatus>] = [
        .new: [.uploading, .error, .cancelled],
        .uploading: [.uploaded, .error, .cancelled],
        .uploaded: [.preprocessing, .error, .cancelled],
        .preprocessing: [.preprocessed, .error, .cancelled],
        .preprocessed: [.queued, .error, .cancelled],
        .queued: [.starting, .processing, .finalizing, .error, .cancelled],
        .starting: [.processing, .finalizing, .error, .cancelled],
        .processing: [.finalizing, .error, .cancelled],
        .finalizing: [.done, .error, .cancelled],
        .done: [],
        .error: [.uploading, .preprocessing, .preprocessed, .queued, .finalizing, .cancelled],
        .cancelled: [],
    ]
}
