import CFFmpeg

/// Process-wide FFmpeg set-up done once: the library never prints, so FFmpeg's own log is silenced.
enum MediaLibrary {
    private static let ready: Bool = {
        cff_silence_logs()
        return true
    }()

    /// Call before any FFmpeg work.
    static func prepare() {
        _ = ready
    }
}
