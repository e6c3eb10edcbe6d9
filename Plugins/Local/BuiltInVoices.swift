import DubKitVoiceDSP
import Foundation

/// Preset target voices shipped in code, so conversion works without any recordings of a target.
public enum BuiltInVoices {
    /// Names of the presets.
    public static let names = ["deep", "warm", "bright", "child"]

    /// The preset called `name` (see ``names``), or nil.
    public static func profile(named name: String) -> VoiceProfile? {
        switch name.lowercased() {
        case "deep": preset(medianF0: 95, spread: 0.12, formantScale: 0.88, tilt: -9)
        case "warm": preset(medianF0: 125, spread: 0.14, formantScale: 0.95, tilt: -8)
        case "bright": preset(medianF0: 210, spread: 0.18, formantScale: 1.15, tilt: -4)
        case "child": preset(medianF0: 290, spread: 0.20, formantScale: 1.35, tilt: -5)
        default: nil
        }
    }

    /// A smooth spectrum, flat to 500 Hz then falling by `tilt` dB per octave.
    private static func preset(medianF0: Double, spread: Double, formantScale: Double, tilt: Double) -> VoiceProfile {
        let spectrum = VoiceProfile.bandCentres.map { tilt * log2(max($0, 500) / 500) }
        return VoiceProfile(
            logF0Mean: log(medianF0), logF0StandardDeviation: spread, medianF0: medianF0, formantScale: formantScale,
            longTermSpectrum: spectrum, loudness: -20, sampleRate: 44_100, origin: .builtIn)
    }
}
