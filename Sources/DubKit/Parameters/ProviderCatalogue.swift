/// The provider parameters of ``ParameterCatalogue``, one list a provider, each value's range and unit
/// written here and nowhere else (adapters read them from the catalogue).
enum ProviderCatalogue {
    /// A fraction from 0 to 1.
    static let fraction = ParameterSpec.Kind.number(0...1)

    /// ElevenLabs speech-to-speech (seed 002).
    static let elevenLabs: [ProviderParameter] = [
        ProviderParameter("model_id", .text(maxLength: 100),
                          "a model whose can_do_voice_conversion is true (default eleven_english_sts_v2; also eleven_multilingual_sts_v2)"),
        ProviderParameter("output_format", .choice([
            "mp3_44100_32", "mp3_44100_64", "mp3_44100_96", "mp3_44100_128", "mp3_44100_192",
            "pcm_16000", "pcm_22050", "pcm_24000", "pcm_44100", "ulaw_8000",
        ]), "codec_sample_rate_bitrate of the result (default mp3_44100_128); pcm_* and ulaw_8000 are stored as WAV"),
        ProviderParameter("stability", fraction, "voice_settings: lower is more varied, higher more even"),
        ProviderParameter("similarity_boost", fraction, "voice_settings: how closely to keep to the voice"),
        ProviderParameter("style", fraction, "voice_settings: style exaggeration (0 is fastest)"),
        ProviderParameter("use_speaker_boost", .bool, "voice_settings: boost the likeness to the speaker"),
        ProviderParameter("speed", .number(0.7...1.2), unit: "× speaking rate", "voice_settings: speaking rate (1 unchanged)"),
        ProviderParameter("seed", .integer(0...4_294_967_295), "for repeatable results (best effort)"),
        ProviderParameter("remove_background_noise", .bool, "clean the input with the audio isolation model first"),
        ProviderParameter("file_format", .choice(["pcm_s16le_16", "other"]),
                          "pcm_s16le_16: the input is converted to raw 16-bit 16 kHz mono PCM and sent so (lower latency); other: the file as it is"),
        ProviderParameter("optimize_streaming_latency", .integer(0...4), "0 none ... 4 most (deprecated by ElevenLabs)"),
        ProviderParameter("enable_logging", .bool, "false: zero retention mode (enterprise plans only)"),
        ProviderParameter("stream", .bool, "true: POST …/stream, the audio written to disk as it arrives"),
    ].map { $0.taken(by: "elevenlabs") }

    /// VoiceDub dubs (seeds/voicedub-openapi.json, `CreateDubRequest`): the pitch and the separation.
    static let voiceDub: [ProviderParameter] = [
        ProviderParameter.pitch(providers: []),
        ProviderParameter("separate", .bool, "separate vocals from the backing track; the same as --separate, and wins over it"),
    ].map { $0.taken(by: "voicedub") }

    /// Kits.ai voice conversions (seed 000): the options, then the effects before and after.
    static let kits: [ProviderParameter] = ([
        ProviderParameter("conversionStrength", fraction, "accent of the voice model (high values may mispronounce)"),
        ProviderParameter("modelVolumeMix", fraction, "1 follows the model's volume, 0 keeps the input's dynamics"),
        ProviderParameter.pitch(providers: []),
    ] + KitsEffect.parameters).map { $0.taken(by: "kits") }

    /// The voice-convert service (seed 001, Seed-VC's options).
    static let voiceConvert: [ProviderParameter] = [
        ProviderParameter("diffusion_steps", .integer(1...200), unit: "steps",
                          "inference steps: 4-10 fast, 30-50 best quality (service default 25-30)"),
        ProviderParameter("length_adjust", .number(0.5...2.0), unit: "× input length",
                          "duration scaling: the output lasts the input times this (and is billed so)"),
        ProviderParameter("inference_cfg_rate", fraction, "CFG strength (default 0.7)"),
        ProviderParameter("auto_f0_adjust", .bool, "match the pitch of the speech to the reference's"),
        ProviderParameter.pitch(named: "pitch_shift", providers: []),
        ProviderParameter("return_format", .choice(["wav", "mp3"]), "the format of the result"),
        ProviderParameter("enable_separation", .bool, "separate vocals first; the same as --separate, and wins over it"),
        ProviderParameter("vocals_gain", .number(0...10), unit: "× (linear)", "linear gain of the vocals when separating (1 = unchanged)"),
        ProviderParameter("accompaniment_gain", .number(0...10), unit: "× (linear)",
                          "linear gain of the accompaniment when separating (1 = unchanged)"),
        ProviderParameter("metadata", .text(maxLength: 2_000), "a JSON object as text, passed through to the task"),
    ].map { $0.taken(by: "voiceconvert") }

    /// The Cartesia voice changer (seed 003): its `output_format` fields and `stream`. Which rates and bit
    /// rates of the ranges Cartesia takes, and which container needs which field, the adapter checks.
    static let cartesia: [ProviderParameter] = [
        ProviderParameter("container", .choice(["raw", "wav", "mp3"]),
                          "output_format[container]: raw (stored wrapped into WAV), wav or mp3; default wav (raw with stream=true)"),
        ProviderParameter("sample_rate", .integer(8_000...48_000), unit: "Hz",
                          "output_format[sample_rate]: 8000, 16000, 22050, 24000, 44100 or 48000 (default 44100)"),
        ProviderParameter("encoding", .choice(["pcm_f32le", "pcm_s16le", "pcm_mulaw", "pcm_alaw"]),
                          "output_format[encoding]: required with container raw or wav (default pcm_s16le when no container is given)"),
        ProviderParameter("bit_rate", .integer(32_000...192_000), unit: "bits/s",
                          "output_format[bit_rate]: required with container mp3; 32000, 64000, 96000, 128000 or 192000"),
        ProviderParameter("stream", .bool, "true: POST /voice-changer/sse (raw audio in events), written to disk as it arrives"),
    ].map { $0.taken(by: "cartesia") }

    /// A Cartesia voice training's parameters (`voice train --param`), sent with `POST /fine-tunes`.
    static let cartesiaTraining: [ProviderParameter] = [
        ProviderParameter("language", .choice(["en", "de", "es", "fr", "ja", "pt", "zh", "hi", "it", "ko", "nl", "pl", "ru", "sv", "tr"]),
                          "the fine-tune's language code (default en)"),
        ProviderParameter("model_id", .text(maxLength: 100), "the base model fine-tuned (default sonic-2)"),
        ProviderParameter("description", .text(maxLength: 1_000), "the dataset's and fine-tune's description"),
    ].map { $0.taken(by: "cartesia") }
}

/// Kits.ai's pre- and post-processing effects as parameters: `pre.<Effect>` (true: the effect with the
/// service's defaults) and `pre.<Effect>.<field>` (a number), each field's range written once.
enum KitsEffect {
    static let thresholdDB = ParameterSpec.Kind.number(-100...0)
    static let ratio = ParameterSpec.Kind.number(1...100)
    static let milliseconds = ParameterSpec.Kind.number(0...10_000)
    static let cutoff = ParameterSpec.Kind.number(1...24_000)
    static let dynamics: [(String, ParameterSpec.Kind, String)] = [
        ("threshold_db", thresholdDB, "dB"), ("ratio", ratio, ""), ("attack_ms", milliseconds, "ms"), ("release_ms", milliseconds, "ms"),
    ]

    /// Effects run on the input before the conversion, with their fields.
    static let pre: [(String, [(String, ParameterSpec.Kind, String)])] = [
        ("NoiseGate", dynamics),
        ("HighPassFilter", [("cutoff_frequency_hz", cutoff, "Hz")]),
        ("LowPassFilter", [("cutoff_frequency_hz", cutoff, "Hz")]),
        ("Compressor", dynamics),
    ]

    /// Effects run on the output after the conversion.
    static let post: [(String, [(String, ParameterSpec.Kind, String)])] = [
        ("Chorus", [("rate_hz", .number(0...100), "Hz"), ("depth", ProviderCatalogue.fraction, ""),
                    ("centre_delay_ms", .number(0...1_000), "ms"), ("feedback", .number(-1...1), ""), ("mix", ProviderCatalogue.fraction, "")]),
        ("Reverb", ["room_size", "damping", "wet_level", "dry_level", "width", "freeze_mode"].map { ($0, ProviderCatalogue.fraction, "") }),
        ("Compressor", dynamics),
        ("Delay", [("delay_seconds", .number(0...10), "s"), ("feedback", ProviderCatalogue.fraction, ""), ("mix", ProviderCatalogue.fraction, "")]),
    ]

    static var parameters: [ProviderParameter] {
        [("pre", pre, "before"), ("post", post, "after")].flatMap { stage, effects, when in
            effects.flatMap { effect, fields in
                [ProviderParameter("\(stage).\(effect)", .bool, "\(effect) \(when) the conversion, with the service's defaults", providers: [])]
                    + fields.map { field, kind, unit in
                        ProviderParameter("\(stage).\(effect).\(field)", kind, unit: unit, "\(effect) \(when) the conversion: \(field)",
                                          providers: [])
                    }
            }
        }
    }
}

extension ProviderParameter {
    /// A catalogue entry written without its providers, taken by `provider`.
    init(_ name: String, _ kind: ParameterSpec.Kind, unit: String = "", _ summary: String) {
        self.init(name, kind, unit: unit, summary, providers: [])
    }

    func taken(by provider: String) -> ProviderParameter {
        ProviderParameter(name, kind, unit: unit, summary, providers: providers + [provider])
    }
}
