import Foundation

/// How far one phase of a long job has got, for progress displays: the phase's name, its fraction
/// done and how many seconds of media it covers (so a display can show speed as "x real time").
public struct WorkProgress: Sendable, Equatable {
    /// The phases of the jobs that report them, in the words a display shows.
    public enum Phase: String, Sendable, CaseIterable {
        case extracting = "extracting"
        case converting = "converting"
        case fitting = "fitting to the source"
        case mixing = "mixing"
        case levelling = "levelling loudness"
        case writingVideo = "writing the video"
        case writingAudio = "writing the audio"
    }

    public var phase: Phase
    /// 0...1 of the phase.
    public var fraction: Double
    /// Seconds of media the whole phase works through; nil when not known.
    public var mediaSeconds: Double?

    public init(phase: Phase, fraction: Double, mediaSeconds: Double? = nil) {
        self.phase = phase
        self.fraction = min(max(fraction, 0), 1)
        self.mediaSeconds = mediaSeconds
    }
}
