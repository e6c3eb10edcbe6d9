import Foundation

/// An audio effect applied while processing, backed by a libavfilter filter.
public enum AudioFilter: Sendable, Equatable {
    /// Shifts pitch by `semitones` without changing length (rubberband); formants kept when asked.
    case pitchShift(semitones: Double, preserveFormants: Bool = true)
    /// Changes speed without changing pitch (atempo); 2 is twice as fast. Must be in 0.25...100.
    case tempo(Double)
    /// Changes level by `decibels` (volume).
    case gain(decibels: Double)
    /// Removes steady background noise (afftdn); `noiseFloor` in dB, -80...-20.
    case denoise(noiseFloor: Double = -25)
    /// Normalises loudness to `targetLUFS` integrated, EBU R128 (loudnorm), e.g. -16 or -23, in one
    /// pass that adjusts as it goes (within a few LU for short or uneven input). For an exact result
    /// measure first and set one gain: ``LoudnessLeveler``.
    case loudness(targetLUFS: Double, truePeak: Double = -1.5)
    /// Shapes the spectrum along an EQ curve (firequalizer): gains in dB at ascending frequencies.
    case equalizer(EqualizerCurve)
    /// Holds sample peaks at or under `ceiling` dBFS (alimiter, fast attack), so a loudness gain the
    /// peaks would not allow can still be applied. Must be in -24...0.
    case limiter(ceiling: Double)

    /// The filter as libavfilter graph text.
    var graphDescription: String {
        switch self {
        case .pitchShift(let semitones, let preserveFormants):
            let ratio = pow(2, semitones / 12)
            return "rubberband=pitch=\(Self.number(ratio)):formant=\(preserveFormants ? "preserved" : "shifted")"
        case .tempo(let factor):
            // atempo takes 0.5...100 per instance; chain two for slower speeds.
            return factor < 0.5
                ? "atempo=0.5,atempo=\(Self.number(factor / 0.5))" : "atempo=\(Self.number(factor))"
        case .gain(let decibels):
            return "volume=\(Self.number(decibels))dB"
        case .denoise(let noiseFloor):
            return "afftdn=nf=\(Self.number(noiseFloor))"
        case .loudness(let target, let truePeak):
            return "loudnorm=I=\(Self.number(target)):TP=\(Self.number(truePeak))"
        case .equalizer(let curve):
            return "firequalizer=gain_entry='\(curve.gainEntries)'"
        case .limiter(let ceiling):
            return "alimiter=limit=\(Self.number(pow(10, ceiling / 20))):attack=1:release=50:level=false"
        }
    }

    /// Why the parameters cannot be used, or nil when they can.
    var problem: String? {
        switch self {
        case .pitchShift(let semitones, _) where !(-24...24).contains(semitones):
            "pitch shift \(semitones) semitones is outside -24...24"
        case .tempo(let factor) where !(0.25...100).contains(factor):
            "tempo \(factor) is outside 0.25...100"
        case .gain(let decibels) where !(-60...60).contains(decibels):
            "gain \(decibels) dB is outside -60...60"
        case .denoise(let floor) where !(-80 ... -20).contains(floor):
            "noise floor \(floor) dB is outside -80...-20"
        case .loudness(let target, let peak) where !(-70 ... -5).contains(target) || !(-9...0).contains(peak):
            "loudness \(target) LUFS / true peak \(peak) dB is outside -70...-5 / -9...0"
        case .equalizer(let curve):
            curve.problem()
        case .limiter(let ceiling) where !(-24...0).contains(ceiling):
            "limiter ceiling \(ceiling) dB is outside -24...0"
        default:
            nil
        }
    }

    /// A number as filter graph text.
    static func number(_ value: Double) -> String {
        String(format: "%.6g", value)
    }
}
