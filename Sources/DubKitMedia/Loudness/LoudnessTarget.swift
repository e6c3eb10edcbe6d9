import Foundation

/// Where ``LoudnessLeveler`` brings audio: an integrated loudness and a true-peak ceiling.
public struct LoudnessTarget: Sendable, Hashable, Codable {
    /// Integrated loudness, LUFS (-70...-5).
    public var integrated: Double
    /// The true peak the result stays under, dBTP (-9...0).
    public var truePeak: Double
    /// How far from ``integrated`` a result may land before another pass corrects the gain, LU.
    public var tolerance: Double

    /// The ceiling used unless one is given: room for lossy encoders' overshoot.
    public static let defaultTruePeak = -1.5

    /// A target of `integrated` LUFS under `truePeak` dBTP.
    public init(integrated: Double, truePeak: Double = defaultTruePeak, tolerance: Double = 0.3) {
        self.integrated = integrated
        self.truePeak = truePeak
        self.tolerance = tolerance
    }

    /// Why the target cannot be used, or nil when it can.
    public var problem: String? {
        if !(-70 ... -5).contains(integrated) { return "loudness \(integrated) LUFS is outside -70...-5" }
        if !(-9...0).contains(truePeak) { return "true peak ceiling \(truePeak) dBTP is outside -9...0" }
        if !(0.01...2).contains(tolerance) { return "loudness tolerance \(tolerance) LU is outside 0.01...2" }
        return nil
    }
}

/// What ``LoudnessLeveler/level(_:to:target:measured:progress:)`` did.
public struct LoudnessLeveling: Sendable, Equatable, Codable {
    /// The input as measured.
    public var before: LoudnessMeasurement
    /// The output as written.
    public var after: LoudnessMeasurement
    /// The gain applied ahead of the limiter, dB.
    public var gain: Double
    /// Seconds of the output whose gain the limiter reduced (0 when the peaks allowed a plain gain).
    public var limitedSeconds: Double
    /// The deepest reduction the limiter made, dB (0 when none).
    public var deepestReduction: Double
    /// Passes over the audio: one to measure, one to write, more when the limiter cost loudness to win back.
    public var passes: Int
}
