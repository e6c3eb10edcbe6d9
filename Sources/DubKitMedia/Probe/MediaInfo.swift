import CFFmpeg

/// What a media file holds: its container, duration and streams.
public struct MediaInfo: Codable, Sendable, Equatable {
    public var path: String
    /// FFmpeg's short name for the container, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, `wav`.
    public var formatName: String
    public var formatDescription: String?
    public var durationSeconds: Double?
    public var bitRate: Int?
    public var streams: [MediaStreamInfo]

    /// The audio streams, in file order.
    public var audioStreams: [MediaStreamInfo] {
        streams.filter { $0.kind == .audio }
    }
}
