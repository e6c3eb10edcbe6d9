import CFFmpeg

/// Something that writes one dubbed track into a remux output, kept in step with the video:
/// either encoding it (``DubTrackEncoder``) or copying its AAC packets (``DubTrackCopier``).
protocol DubTrackWriter: AnyObject {
    /// The track as asked for.
    var track: DubbedTrack { get }
    /// True when the track's packets are copied rather than encoded.
    var isCopy: Bool { get }
    /// Adds the track's stream to `muxer` (before its header is written).
    func addStream(to muxer: VideoOutputContainer) throws -> UnsafeMutablePointer<AVStream>
    /// Where the track's first sample sits on the output's timeline, in seconds (the video's start).
    func start(at seconds: Double)
    /// Writes the track up to `seconds` after its start; with `final`, ends it there exactly
    /// (padded or trimmed) and drains what is pending.
    func advance(to seconds: Double, final: Bool, into sink: MuxerStream) throws
}
