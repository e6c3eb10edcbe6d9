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
    /// The parameters, from the catalogue: the ones of the seed, and `stream`.
    public static let parameters = ParameterCatalogue.specs(for: id)

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
