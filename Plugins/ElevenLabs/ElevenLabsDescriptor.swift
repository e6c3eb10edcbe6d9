import DubKit

/// What ElevenLabs speech-to-speech offers and accepts, from seed 002, PROVIDERS.md and docs/providers.md.
public enum ElevenLabsDescriptor {
    /// The provider id, the prefix of `elevenlabs:<voice id>`.
    public static let id = "elevenlabs"
    /// About 5 minutes of audio per request (PROVIDERS.md); longer inputs are refused until chunking lands.
    public static let maxDurationSeconds: Double = 300
    /// 1,000 characters a minute of audio, charged for the exact length.
    public static let billing = Billing.perMinuteProrated(credits: 1000, minimum: 0)
    /// The lowest plan runs 2 conversions at once (PROVIDERS.md: 2 to 15 by plan).
    public static let maxConcurrentJobs = 2
    /// Voices a page when the query names no limit (the service's own default), and the most it takes.
    public static let defaultPageSize = 10
    public static let maxPageSize = 100
    /// The largest `seed`.
    public static let maxSeed: Int64 = 4_294_967_295

    /// The parameters, with their ranges: the ones of the seed, and `stream`.
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("model_id", .text(maxLength: 100),
                      "a model whose can_do_voice_conversion is true (default eleven_english_sts_v2; also eleven_multilingual_sts_v2)"),
        ParameterSpec("output_format", .choice(ElevenLabsOutputFormat.names),
                      "codec_sample_rate_bitrate of the result (default mp3_44100_128); pcm_* and ulaw_8000 are stored as WAV"),
        ParameterSpec("stability", .number(0...1), "voice_settings: lower is more varied, higher more even"),
        ParameterSpec("similarity_boost", .number(0...1), "voice_settings: how closely to keep to the voice"),
        ParameterSpec("style", .number(0...1), "voice_settings: style exaggeration (0 is fastest)"),
        ParameterSpec("use_speaker_boost", .bool, "voice_settings: boost the likeness to the speaker"),
        ParameterSpec("speed", .number(0.7...1.2), "voice_settings: speaking rate (1 unchanged)"),
        ParameterSpec("seed", .integer(0...maxSeed), "for repeatable results (best effort)"),
        ParameterSpec("remove_background_noise", .bool, "clean the input with the audio isolation model first"),
        ParameterSpec("file_format", .choice(["pcm_s16le_16", "other"]),
                      "pcm_s16le_16: the input is converted to raw 16-bit 16 kHz mono PCM and sent so (lower latency); other: the file as it is"),
        ParameterSpec("optimize_streaming_latency", .integer(0...4), "0 none ... 4 most (deprecated by ElevenLabs)"),
        ParameterSpec("enable_logging", .bool, "false: zero retention mode (enterprise plans only)"),
        ParameterSpec("stream", .bool, "true: POST …/stream, the audio written to disk as it arrives"),
    ]

    /// The descriptor the registry lists. Pitch shift is not offered: only 0 is accepted, so `dub create
    /// --pitch 3` is refused at once.
    public static let value = ProviderDescriptor(
        id: id, name: "ElevenLabs speech-to-speech",
        capabilities: [.convert, .catalog, .streaming],
        limits: ProviderLimits(maxDurationSeconds: maxDurationSeconds, pitchShift: 0...0, maxConcurrentJobs: maxConcurrentJobs),
        billing: billing,
        keyVariable: "ELEVENLABS_API_KEY",
        baseURL: "https://api.elevenlabs.io",
        baseURLVariable: "ELEVENLABS_BASE_URL",
        minimumPollInterval: 0,
        parameters: parameters)
}
