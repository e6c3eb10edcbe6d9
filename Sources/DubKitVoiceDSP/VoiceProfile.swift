import Foundation

/// A speaker's voice summarised by a few statistics: pitch, vocal-tract scale, long-term spectrum, loudness.
public struct VoiceProfile: Codable, Sendable, Equatable {
    /// Where the numbers come from.
    public enum Origin: String, Codable, Sendable {
        /// Measured from recordings by ``VoiceAnalyzer``.
        case measured
        /// A preset of ``BuiltInVoices``; its spectrum is a smooth model, not a measurement.
        case builtIn
    }

    /// Version of the engine that made the profile. `local-1` profiles hold the statistics only and still
    /// convert (pitch, formant warp and EQ); `local-2` adds the frame-level ``codebook``.
    public static let currentEngineVersion = "local-2"
    /// Centre frequencies in Hz of the long-term spectrum's bands (log-spaced, 28 bands, 80–7600 Hz).
    public static let bandCentres: [Double] = SpectralBands.centres

    /// Mean of the natural log of F0 (Hz) over voiced frames.
    public var logF0Mean: Double
    /// Standard deviation of the natural log of F0 over voiced frames.
    public var logF0StandardDeviation: Double
    /// Median F0 in Hz over voiced frames.
    public var medianF0: Double
    /// Vocal-tract (formant) scale relative to an average adult: above 1 means shorter tract, higher formants.
    public var formantScale: Double
    /// Long-term average spectrum of loud frames, in dB per band of ``bandCentres``; -120 marks a band the recording cannot hold.
    public var longTermSpectrum: [Double]
    /// Loudness as RMS in dBFS over loud frames.
    public var loudness: Double
    /// Sample rate of the (first) recording measured, in Hz.
    public var sampleRate: Int
    /// ``currentEngineVersion`` of the engine that made the profile.
    public var engineVersion: String
    /// Measured or built in.
    public var origin: Origin
    /// The speaker's envelope classes (`local-2` and later, measured voices with enough speech); nil otherwise.
    public var codebook: SpeakerCodebook?

    /// A profile from its statistics (``VoiceAnalyzer`` and ``BuiltInVoices`` make them for you).
    public init(
        logF0Mean: Double, logF0StandardDeviation: Double, medianF0: Double, formantScale: Double,
        longTermSpectrum: [Double], loudness: Double, sampleRate: Int,
        engineVersion: String = VoiceProfile.currentEngineVersion, origin: Origin = .measured, codebook: SpeakerCodebook? = nil
    ) {
        self.logF0Mean = logF0Mean
        self.logF0StandardDeviation = logF0StandardDeviation
        self.medianF0 = medianF0
        self.formantScale = formantScale
        self.longTermSpectrum = longTermSpectrum
        self.loudness = loudness
        self.sampleRate = sampleRate
        self.engineVersion = engineVersion
        self.origin = origin
        self.codebook = codebook
    }

    /// Distance in dB between two long-term spectra (RMS over shared bands, overall level removed).
    public func spectralDistance(to other: VoiceProfile) -> Double {
        SpectralBands.distance(longTermSpectrum, other.longTermSpectrum)
    }
}
