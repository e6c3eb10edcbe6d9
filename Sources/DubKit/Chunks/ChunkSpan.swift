import Foundation

/// One chunk of a long input: the part of the source it covers, in milliseconds. Neighbouring chunks
/// overlap around each cut (``ChunkPlanner/overlapMs`` on either side) so their results can be
/// crossfaded where they meet.
public struct ChunkSpan: Sendable, Hashable, Codable {
    /// Its place, from 0.
    public var index: Int
    /// Where its audio starts in the source.
    public var startMs: Int64
    /// Where its audio ends in the source.
    public var endMs: Int64

    public init(index: Int, startMs: Int64, endMs: Int64) {
        self.index = index
        self.startMs = startMs
        self.endMs = endMs
    }

    /// Its length in milliseconds.
    public var durationMs: Int64 { endMs - startMs }

    /// The sample at `ms` in audio of `sampleRate` Hz: the one rule the cutting and the joining share,
    /// so both find a chunk's edges at the same sample.
    public static func sample(atMs ms: Int64, sampleRate: Int) -> Int64 {
        ms * Int64(sampleRate) / 1000
    }
}
