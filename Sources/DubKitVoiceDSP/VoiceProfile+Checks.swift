import DubKit
import Foundation

/// The checks a profile passes before the engine uses it: a stored or imported model is outside input,
/// and a value the engine cannot work with (a short spectrum, NaN, a negative pitch) must fail its
/// own dub with the field named, never trap in the middle of a conversion.
extension VoiceProfile {
    /// The range each number may take: wider than any recording measures, narrow enough for the engine's
    /// arithmetic (logarithms, divisions, band indexing) to stay finite.
    static let limits: [(field: String, range: ClosedRange<Double>, unit: String)] = [
        ("logF0Mean", log(20.0)...log(2000.0), "natural log of Hz"),
        ("logF0StandardDeviation", 0...3, "natural log of Hz"),
        ("medianF0", 20...2000, "Hz"),
        ("formantScale", 0.25...4, "times an average adult's"),
        ("loudness", -200...20, "dBFS"),
        ("sampleRate", 1000...384_000, "Hz"),
    ]
    /// The range of each band of ``longTermSpectrum``, in dB (-120 marks a band the recording cannot hold).
    static let spectrumLimits = -200.0...200.0

    /// Throws ``LocalEngineError/invalidVoiceModel(voice:field:value:allowed:)`` naming the first field
    /// of the profile that is not finite, out of its range, or (the spectrum) of the wrong length.
    public func validate(voice: String) throws(LocalEngineError) {
        let numbers: [String: Double] = [
            "logF0Mean": logF0Mean, "logF0StandardDeviation": logF0StandardDeviation, "medianF0": medianF0,
            "formantScale": formantScale, "loudness": loudness, "sampleRate": Double(sampleRate),
        ]
        for limit in Self.limits {
            try Self.check(numbers[limit.field] ?? .nan, field: limit.field, in: limit.range, unit: limit.unit, voice: voice)
        }
        guard longTermSpectrum.count == SpectralBands.count else {
            throw .invalidVoiceModel(voice: voice, field: "longTermSpectrum", value: "\(longTermSpectrum.count) values",
                                     allowed: "exactly \(SpectralBands.count) values, one per band")
        }
        for (band, value) in longTermSpectrum.enumerated() {
            try Self.check(value, field: "longTermSpectrum[\(band)]", in: Self.spectrumLimits, unit: "dB", voice: voice)
        }
        guard !engineVersion.isEmpty, engineVersion.count <= 64 else {
            throw .invalidVoiceModel(voice: voice, field: "engineVersion", value: engineVersion.debugDescription,
                                     allowed: "the engine's version, such as \(Self.currentEngineVersion)")
        }
    }

    /// The profile a voice's model data holds (as stored in the project, or carried by a voice export),
    /// checked field by field: a missing key, a value of the wrong type, a number that is not finite or
    /// out of range, and a spectrum of the wrong length are each named.
    public static func checked(_ model: JSONValue?, voice: String) throws(LocalEngineError) -> VoiceProfile {
        guard case let .object(fields)? = model else {
            throw .invalidVoiceModel(voice: voice, field: "modelData", value: describe(model),
                                     allowed: "an object holding the local engine's voice profile (train the voice again)")
        }
        func value(_ field: String) throws(LocalEngineError) -> JSONValue {
            guard let value = fields[field] else {
                throw .invalidVoiceModel(voice: voice, field: field, value: "missing", allowed: "a value (the profile lacks it)")
            }
            return value
        }
        func number(_ field: String) throws(LocalEngineError) -> Double {
            guard case let .number(number) = try value(field) else {
                throw .invalidVoiceModel(voice: voice, field: field, value: describe(fields[field]), allowed: "a number")
            }
            return number
        }
        func text(_ field: String) throws(LocalEngineError) -> String {
            guard case let .string(text) = try value(field) else {
                throw .invalidVoiceModel(voice: voice, field: field, value: describe(fields[field]), allowed: "a string")
            }
            return text
        }
        guard case let .array(bands) = try value("longTermSpectrum") else {
            throw .invalidVoiceModel(voice: voice, field: "longTermSpectrum", value: describe(fields["longTermSpectrum"]),
                                     allowed: "an array of \(SpectralBands.count) numbers")
        }
        var spectrum: [Double] = []
        for (band, item) in bands.enumerated() {
            guard case let .number(db) = item else {
                throw .invalidVoiceModel(voice: voice, field: "longTermSpectrum[\(band)]", value: describe(item), allowed: "a number")
            }
            spectrum.append(db)
        }
        let rate = try number("sampleRate")
        try check(rate, field: "sampleRate", in: 1000...384_000, unit: "Hz", voice: voice)
        guard rate == rate.rounded() else {
            throw .invalidVoiceModel(voice: voice, field: "sampleRate", value: String(rate), allowed: "a whole number of Hz")
        }
        let originText = try text("origin")
        guard let origin = Origin(rawValue: originText) else {
            throw .invalidVoiceModel(voice: voice, field: "origin", value: originText.debugDescription, allowed: "measured or builtIn")
        }
        let profile = VoiceProfile(
            logF0Mean: try number("logF0Mean"), logF0StandardDeviation: try number("logF0StandardDeviation"),
            medianF0: try number("medianF0"), formantScale: try number("formantScale"), longTermSpectrum: spectrum,
            loudness: try number("loudness"), sampleRate: Int(rate), engineVersion: try text("engineVersion"), origin: origin,
            codebook: try codebook(fields["codebook"], voice: voice))
        try profile.validate(voice: voice)
        return profile
    }

    /// The speaker codebook a `local-2` model holds, checked: nil when there is none, or when it is of a
    /// format this engine does not know (such a codebook is ignored, not misread); a codebook of this
    /// format whose shape or values the envelope mapper could not use is refused, naming the field.
    static func codebook(_ value: JSONValue?, voice: String) throws(LocalEngineError) -> SpeakerCodebook? {
        guard let value else { return nil }
        if case .null = value { return nil }
        guard case let .object(fields) = value, case let .number(format)? = fields["format"] else {
            throw .invalidVoiceModel(voice: voice, field: "codebook", value: describe(value),
                                     allowed: "an object with the codebook's format, bands, mean, classes and counts")
        }
        guard format == Double(SpeakerCodebook.currentFormat) else { return nil }
        let codebook: SpeakerCodebook
        do {
            codebook = try JSONDecoder().decode(SpeakerCodebook.self, from: Data(DubParameters.canonicalText(value).utf8))
        } catch {
            throw .invalidVoiceModel(voice: voice, field: "codebook", value: "unreadable",
                                     allowed: "bands (a number), mean, classes (arrays of numbers) and counts")
        }
        guard (1...EnvelopeBands.count).contains(codebook.bands) else {
            throw .invalidVoiceModel(voice: voice, field: "codebook.bands", value: String(codebook.bands),
                                     allowed: "1...\(EnvelopeBands.count) bands")
        }
        guard codebook.mean.count == codebook.bands else {
            throw .invalidVoiceModel(voice: voice, field: "codebook.mean", value: "\(codebook.mean.count) values",
                                     allowed: "exactly \(codebook.bands) values, one per band")
        }
        guard (1...SpeakerCodebook.maxClasses).contains(codebook.classes.count), codebook.counts.count == codebook.classes.count else {
            throw .invalidVoiceModel(voice: voice, field: "codebook.classes",
                                     value: "\(codebook.classes.count) classes, \(codebook.counts.count) counts",
                                     allowed: "1...\(SpeakerCodebook.maxClasses) classes, one count each")
        }
        for (band, db) in codebook.mean.enumerated() {
            try check(Double(db), field: "codebook.mean[\(band)]", in: spectrumLimits, unit: "dB", voice: voice)
        }
        for (index, envelope) in codebook.classes.enumerated() {
            guard envelope.count == codebook.bands else {
                throw .invalidVoiceModel(voice: voice, field: "codebook.classes[\(index)]", value: "\(envelope.count) values",
                                         allowed: "exactly \(codebook.bands) values, one per band")
            }
            for (band, db) in envelope.enumerated() {
                try check(Double(db), field: "codebook.classes[\(index)][\(band)]", in: spectrumLimits, unit: "dB", voice: voice)
            }
        }
        return codebook
    }

    private static func check(_ value: Double, field: String, in range: ClosedRange<Double>, unit: String,
                              voice: String) throws(LocalEngineError) {
        guard value.isFinite else {
            throw .invalidVoiceModel(voice: voice, field: field, value: String(value), allowed: "a finite number of \(unit)")
        }
        guard range.contains(value) else {
            throw .invalidVoiceModel(voice: voice, field: field, value: String(value),
                                     allowed: String(format: "%g...%g ", range.lowerBound, range.upperBound) + unit)
        }
    }

    /// A short description of a JSON value, for an error message.
    private static func describe(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: "none"
        case let .bool(flag)?: String(flag)
        case let .number(number)?: String(number)
        case let .string(text)?: text.count > 40 ? "a string" : text.debugDescription
        case let .array(items)?: "an array of \(items.count) values"
        case .object?: "an object"
        }
    }
}
