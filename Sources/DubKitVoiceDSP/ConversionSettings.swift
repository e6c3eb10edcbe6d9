import DubKit
import Foundation

/// How strongly and in what way ``VoiceConverter`` moves a voice towards a target profile.
public struct ConversionSettings: Codable, Sendable, Equatable {
    /// Extra pitch shift in semitones applied after the profile mapping, within ``ParameterCatalogue/pitchShift``'s range.
    public var pitchShift: Double
    /// How far to move towards the target, 0...1; 0 leaves the voice untouched (an exact bypass when `pitchShift` is 0).
    public var conversionStrength: Double
    /// Output loudness: 0 keeps the source's, 1 takes the target's, in between mixes them (in dB).
    public var modelVolumeMix: Double
    /// Removes steady background noise (afftdn) before analysis and conversion.
    public var denoise: Bool
    /// Maps each frame's spectral envelope onto the target's codebook (a `local-2` trained voice) instead of
    /// one global EQ (nil: off, as in job files written before it). Off by default until it beats the EQ on every measure (docs/local-engine.md).
    public var mapsEnvelopes: Bool?

    /// Defaults: full strength, no extra shift, source loudness, no denoising.
    public init(pitchShift: Double = 0, conversionStrength: Double = 1, modelVolumeMix: Double = 0, denoise: Bool = false,
                mapsEnvelopes: Bool = false) {
        self.mapsEnvelopes = mapsEnvelopes
        self.pitchShift = pitchShift
        self.conversionStrength = conversionStrength
        self.modelVolumeMix = modelVolumeMix
        self.denoise = denoise
    }

    /// Throws ``LocalEngineError/invalidSetting(_:)`` naming the first value out of range.
    public func validate() throws {
        let pitch = ParameterCatalogue.pitchShift
        if !(Double(pitch.range.lowerBound)...Double(pitch.range.upperBound)).contains(pitchShift) {
            throw LocalEngineError.invalidSetting("pitchShift \(pitchShift) is outside \(pitch.allowed)")
        }
        if !(0...1).contains(conversionStrength) {
            throw LocalEngineError.invalidSetting("conversionStrength \(conversionStrength) is outside 0...1")
        }
        if !(0...1).contains(modelVolumeMix) { throw LocalEngineError.invalidSetting("modelVolumeMix \(modelVolumeMix) is outside 0...1") }
    }
}
