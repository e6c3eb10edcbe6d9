import Foundation

/// What a remux writes: the original video with its video copied, the dubbed tracks (the first is
/// the default audio), optionally the original audio as a further non-default track.
public struct RemuxPlan: Sendable, Equatable {
    /// The original video.
    public var video: URL
    /// The file to write; its extension (.mp4, .mov, .mkv) picks the container.
    public var output: URL
    /// The dubbed tracks in order; the first becomes the default audio track.
    public var dubbedTracks: [DubbedTrack]
    /// Keep the video's own audio stream(s), copied, after the dubbed tracks and not default.
    public var keepOriginalAudio: Bool
    /// AAC bit rate in bits per second for each encoded dubbed track.
    public var audioBitRate: Int
    /// Only this stretch of the video is written, starting at its first packet (a keyframe: give the
    /// start of one, see ``MediaSlicer``), shifted to the video's own start; subtitles and chapters are
    /// left out. Nil writes the whole video.
    public var window: MediaWindow?

    /// A plan putting `dubbedTracks` into `video`, written to `output`.
    public init(
        video: URL, output: URL, dubbedTracks: [DubbedTrack], keepOriginalAudio: Bool = false,
        audioBitRate: Int = 160_000
    ) {
        self.video = video
        self.output = output
        self.dubbedTracks = dubbedTracks
        self.keepOriginalAudio = keepOriginalAudio
        self.audioBitRate = audioBitRate
    }
}
