/// What a remux wrote.
public struct RemuxResult: Codable, Sendable, Equatable {
    /// The output file.
    public var output: String
    /// The container written.
    public var container: VideoContainerFormat
    /// Seconds of video copied; every dubbed track was padded or trimmed to this length.
    public var videoDurationSeconds: Double
    /// Video packets copied unchanged.
    public var videoPackets: Int
    /// Dubbed tracks written.
    public var dubbedTracks: Int
    /// How many of them were already AAC and copied rather than encoded.
    public var copiedDubbedTracks: Int
    /// Original audio streams kept.
    public var originalAudioTracks: Int
    /// Subtitle streams carried over.
    public var subtitleStreams: Int
    /// Subtitle streams left out because the output container cannot hold their format.
    public var droppedSubtitleStreams: Int
    /// Chapters carried over.
    public var chapters: Int
}
