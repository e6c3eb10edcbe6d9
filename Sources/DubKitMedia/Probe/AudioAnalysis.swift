import Foundation

/// What a recording measures: level, clipping, how much of it is speech, and how clean it is.
public struct AudioAnalysis: Sendable, Hashable, Codable {
    public var durationSeconds: Double
    /// Integrated loudness (BS.1770), nil for silence.
    public var loudnessLUFS: Double?
    /// The highest sample, in dB below full scale; nil for digital silence.
    public var peakDBFS: Double?
    /// Samples in runs of two or more at full scale: the signature of clipping.
    public var clippedSamples: Int
    /// The share of 20 ms frames that rise clearly above the recording's noise floor (0...1).
    public var speechShare: Double
    /// The typical level of those frames over the noise floor, in dB (capped at 100); nil without speech.
    public var snrDB: Double?
}
