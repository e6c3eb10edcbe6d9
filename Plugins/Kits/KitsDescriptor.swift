import DubKit
import Foundation

/// What Kits.ai offers and accepts, from seed 000, PROVIDERS.md and docs/providers.md.
public enum KitsDescriptor {
    /// The provider id, the prefix of `kits:<voice model id>`.
    public static let id = "kits"
    /// The largest `soundFile` Kits takes: 100 MB (read as 100 × 10⁶ bytes, the stricter reading).
    public static let maxSoundFileBytes: Int64 = 100_000_000
    /// The containers `soundFile` may be in.
    public static let soundFileFormats = ["wav", "mp3", "flac"]
    /// Kits documents no poll interval; its GET limit (1000 a minute per account) allows this easily.
    public static let minimumPollInterval: Double = 2
    /// POSTs (a conversion each) per minute per account: Kits's documents say 1 to 5; DubKit takes the
    /// lowest, so a batch never meets the limit. Reads (polls, lists) are not limited this tightly.
    public static let conversionsPerMinute = 1
    /// Voice models per page when the query names no limit (the service's own default).
    public static let defaultPerPage = 10

    /// The descriptor the registry lists.
    public static let value = ProviderDescriptor(
        id: id, name: "Kits.ai",
        capabilities: [.convert, .catalog, .pitchShift],
        limits: ProviderLimits(maxFileBytes: maxSoundFileBytes, inputFormats: soundFileFormats, pitchShift: ParameterCatalogue.pitchShift.range,
                               submissionsPerMinute: conversionsPerMinute),
        billing: .free,
        keyVariable: "KITS_API_KEY",
        baseURL: "https://arpeggi.io/api/kits/v1",
        baseURLVariable: "KITS_BASE_URL",
        minimumPollInterval: minimumPollInterval,
        parameters: [
            ParameterSpec("conversionStrength", .number(0...1), "accent of the voice model (high values may mispronounce)"),
            ParameterSpec("modelVolumeMix", .number(0...1), "1 follows the model's volume, 0 keeps the input's dynamics"),
            ParameterCatalogue.pitchShift.spec(),
        ] + KitsEffects.parameterSpecs)
}

/// Kits.ai's pre- and post-processing effects, as dub parameters named `pre.<Effect>.<field>` (a number)
/// or `pre.<Effect>` (true: the effect with the service's defaults), sent as the JSON text of the
/// `pre` and `post` form fields (`{"NoiseGate": {"threshold_db": -40}}`).
public enum KitsEffects {
    /// One effect: its name on the wire and its fields with the values they may take.
    public struct Effect: Sendable {
        public var name: String
        public var fields: [(name: String, range: ClosedRange<Double>)]
    }

    private static let compressor = Effect(name: "Compressor", fields: [
        ("threshold_db", -100...0), ("ratio", 1...100), ("attack_ms", 0...10_000), ("release_ms", 0...10_000),
    ])

    /// Effects run on the input before the conversion.
    public static let pre: [Effect] = [
        Effect(name: "NoiseGate", fields: [
            ("threshold_db", -100...0), ("ratio", 1...100), ("attack_ms", 0...10_000), ("release_ms", 0...10_000),
        ]),
        Effect(name: "HighPassFilter", fields: [("cutoff_frequency_hz", 1...24_000)]),
        Effect(name: "LowPassFilter", fields: [("cutoff_frequency_hz", 1...24_000)]),
        compressor,
    ]

    /// Effects run on the output after the conversion.
    public static let post: [Effect] = [
        Effect(name: "Chorus", fields: [
            ("rate_hz", 0...100), ("depth", 0...1), ("centre_delay_ms", 0...1_000), ("feedback", -1...1), ("mix", 0...1),
        ]),
        Effect(name: "Reverb", fields: [
            ("room_size", 0...1), ("damping", 0...1), ("wet_level", 0...1), ("dry_level", 0...1), ("width", 0...1),
            ("freeze_mode", 0...1),
        ]),
        compressor,
        Effect(name: "Delay", fields: [("delay_seconds", 0...10), ("feedback", 0...1), ("mix", 0...1)]),
    ]

    /// The parameter specs of every effect and field.
    static var parameterSpecs: [ParameterSpec] {
        [("pre", pre, "before"), ("post", post, "after")].flatMap { stage, effects, when in
            effects.flatMap { effect in
                [ParameterSpec("\(stage).\(effect.name)", .bool, "\(effect.name) \(when) the conversion, with the service's defaults")]
                    + effect.fields.map { field in
                        ParameterSpec("\(stage).\(effect.name).\(field.name)", .number(field.range),
                                      "\(effect.name) \(when) the conversion: \(field.name)")
                    }
            }
        }
    }

    /// The JSON text of the `pre` and `post` fields the parameters ask for (nil when none).
    static func formFields(_ parameters: DubParameters) -> (pre: String?, post: String?) {
        func text(_ stage: String) -> String? {
            var effects: [String: JSONValue] = [:]
            for (key, value) in parameters.values where key.hasPrefix(stage + ".") {
                let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
                guard parts.count >= 2 else { continue }
                var fields: [String: JSONValue]
                if case let .object(existing)? = effects[parts[1]] { fields = existing } else { fields = [:] }
                if parts.count == 3 {
                    fields[parts[2]] = value
                } else if value == .bool(false) {
                    continue
                }
                effects[parts[1]] = .object(fields)
            }
            return effects.isEmpty ? nil : DubParameters.canonicalText(.object(effects))
        }
        return (text("pre"), text("post"))
    }
}
