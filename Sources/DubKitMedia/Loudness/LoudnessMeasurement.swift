import Foundation

/// What ``LoudnessMeter`` measured over a whole recording (EBU R128 / ITU-R BS.1770-4).
public struct LoudnessMeasurement: Sendable, Equatable, Codable {
    /// Integrated (gated) loudness, LUFS; nil when nothing rises above the -70 LUFS gate.
    public var integrated: Double?
    /// True peak (4x oversampled), dBTP; nil for digital silence.
    public var truePeak: Double?
    /// Sample peak, dBFS; nil for digital silence.
    public var samplePeak: Double?
    /// Loudness range, LU (EBU Tech 3342); 0 for audio shorter than 3 s.
    public var range: Double
    /// The relative gate the integrated loudness was measured above, LUFS; nil with ``integrated``.
    public var threshold: Double?
    /// Seconds measured.
    public var durationSeconds: Double

    /// A measurement from its parts.
    public init(integrated: Double?, truePeak: Double?, samplePeak: Double?, range: Double, threshold: Double?,
                durationSeconds: Double) {
        self.integrated = integrated
        self.truePeak = truePeak
        self.samplePeak = samplePeak
        self.range = range
        self.threshold = threshold
        self.durationSeconds = durationSeconds
    }
}
