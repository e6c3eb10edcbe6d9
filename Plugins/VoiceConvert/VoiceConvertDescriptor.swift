import DubKit

/// What the voice-convert service offers and accepts, from seed 001, PROVIDERS.md and docs/providers.md.
public enum VoiceConvertDescriptor {
    /// The provider id, the prefix of `voiceconvert:<reference URL or file>`.
    public static let id = "voiceconvert"
    /// The seed points at a Tasks page for the cadence, which it does not include; 2 s is assumed.
    public static let minimumPollInterval: Double = 2
    /// 2 credits per second of output, rounded up, at least 1 s.
    public static let billing = Billing.perStartedSecond(credits: 2, minimumSeconds: 1)

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
        parameters: ParameterCatalogue.specs(for: id))
}
