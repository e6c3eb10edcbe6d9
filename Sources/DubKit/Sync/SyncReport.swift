import Foundation

/// How well a dubbed track keeps to its source: the overall length difference and, for each
/// pause-delimited segment of speech, how far its start and end moved.
public struct SyncReport: Sendable, Hashable, Codable {
    /// One segment of the source's speech and where the dub put it.
    public struct Segment: Sendable, Hashable, Codable {
        public var sourceStartMs: Int
        public var sourceEndMs: Int
        /// Dubbed minus source; positive means late.
        public var startOffsetMs: Int
        public var endOffsetMs: Int
    }

    /// Dubbed length minus source length.
    public var lengthDifferenceMs: Int
    public var segments: [Segment]
    /// Segments of the source with no counterpart in the dub (it dropped or merged speech).
    public var unmatchedSegments: Int
    /// The largest offset of any segment's start or end.
    public var maxDriftMs: Int
    public var thresholdMs: Int
    /// True when the drift passes the threshold: the dub is out of sync.
    public var flagged: Bool
}
