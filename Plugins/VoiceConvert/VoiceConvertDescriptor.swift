import DubKit

/// What the voice-convert service offers and accepts, from seed 001, PROVIDERS.md and docs/providers.md.
public enum VoiceConvertDescriptor {
    /// The provider id, the prefix of `voiceconvert:<reference URL or file>`.
    public static let id = "voiceconvert"
    /// The seed points at a Tasks page for the cadence, which it does not include; 2 s is assumed.
    public static let minimumPollInterval: Double = 2
    /// 2 credits per second of output, rounded up, at least 1 s.
    public static let billing = Billing.perStartedSecond(credits: 2, minimumSeconds: 1)
    /// Seed-VC's length_adjust range: the output lasts the input times this.
    public static let lengthAdjust: ClosedRange<Double> = 0.5...2.0
    /// The longest metadata text accepted.
    public static let metadataLength = 2_000

    /// The descriptor the registry lists.
    public static let value = ProviderDescriptor(
        id: id, name: "Voice convert (Seed-VC)",
        capabilities: [.convert, .referenceAudio, .separation, .pitchShift, .links],
        limits: ProviderLimits(pitchShift: ParameterCatalogue.pitchShift.range),
        billing: billing,
        keyVariable: "VOICECONVERT_API_KEY",
        baseURL: "https://api.aiclonevoicefree.com",
        baseURLVariable: "VOICECONVERT_BASE_URL",
        minimumPollInterval: minimumPollInterval,
        parameters: [
            ParameterSpec("diffusion_steps", .integer(1...200), "inference steps: 4-10 fast, 30-50 best quality (service default 25-30)"),
            ParameterSpec("length_adjust", .number(lengthAdjust), "duration scaling: the output lasts the input times this (and is billed so)"),
            ParameterSpec("inference_cfg_rate", .number(0...1), "CFG strength (default 0.7)"),
            ParameterSpec("auto_f0_adjust", .bool, "match the pitch of the speech to the reference's"),
            ParameterCatalogue.pitchShift.spec(named: "pitch_shift"),
            ParameterSpec("return_format", .choice(["wav", "mp3"]), "the format of the result"),
            ParameterSpec("enable_separation", .bool, "separate vocals first; the same as --separate, and wins over it"),
            ParameterSpec("vocals_gain", .number(0...10), "linear gain of the vocals when separating (1 = unchanged)"),
            ParameterSpec("accompaniment_gain", .number(0...10), "linear gain of the accompaniment when separating (1 = unchanged)"),
            ParameterSpec("metadata", .text(maxLength: metadataLength), "a JSON object as text, passed through to the task"),
        ])
}
