import DubKit

/// What Cartesia offers and accepts, from seed 003, the Cartesia section of PROVIDERS.md, Cartesia's
/// public API documentation (version 2025-04-16) and docs/providers.md.
public enum CartesiaDescriptor {
    /// The provider id, the prefix of `cartesia:<voice id>`.
    public static let id = "cartesia"
    /// The API version sent as `Cartesia-Version` on every request.
    public static let apiVersion = "2025-04-16"
    /// The voice changer costs 15 characters a second of input, for the exact length.
    public static let billing = Billing.perMinuteProrated(credits: 900, minimum: 0)
    /// The Free plan's concurrency (2 requests at once; Pro 3, Startup 5, Scale 15).
    public static let maxConcurrentJobs = 2
    /// Seconds between two reads of one fine-tune (Cartesia: poll about every 10 s).
    public static let fineTunePollInterval: Double = 10
    /// A Pro Voice Clone needs at least 30 minutes of audio; Cartesia sets no maximum.
    public static let minimumDatasetSeconds: Double = 30 * 60
    /// The audio formats a dataset file may have (Cartesia's Pro Voice Cloning guide).
    public static let datasetFormats = ["wav", "mp3", "flac", "ogg", "oga", "ogx", "aac", "wma", "m4a", "opus", "ac3", "webm"]
    /// A fine-tune costs 1,000,000 credits, charged when it completes.
    public static let fineTuneCredits: Int64 = 1_000_000

    /// The rates and MP3 bit rates Cartesia documents, within the catalogue's `sample_rate` and
    /// `bit_rate` ranges; the rate sent when a dub names none.
    public static let sampleRates = [8000, 16000, 22050, 24000, 44100, 48000]
    public static let bitRates = [32000, 64000, 96000, 128000, 192000]
    public static let defaultSampleRate = 44100
    /// `output_format[encoding]` values (the catalogue's choices).
    public static let encodings = ParameterCatalogue.parameter("encoding", for: id)?.choices ?? []

    /// The language and model fine-tuned when none is named, and the longest voice name sent.
    public static let defaultLanguage = "en"
    public static let defaultModel = "sonic-2"
    public static let voiceNameLengths = 1...100
    /// Voices a page when the query names no limit (Cartesia's own default), and the sizes it takes.
    public static let defaultPageSize = 10
    public static let pageSizes = 1...100

    /// The descriptor the registry lists. Pitch shift is not offered (only 0 is accepted). Dubs are
    /// synchronous (no poll interval); the 10 s pace of fine-tune reads is kept by the adapter itself.
    public static let value = ProviderDescriptor(
        id: id, name: "Cartesia voice changer",
        capabilities: [.convert, .catalog, .streaming, .train],
        limits: ProviderLimits(inputFormats: datasetFormats, pitchShift: 0...0,
                               datasetSeconds: minimumDatasetSeconds...Double.greatestFiniteMagnitude,
                               maxConcurrentJobs: maxConcurrentJobs),
        billing: billing,
        keyVariable: "CARTESIA_API_KEY",
        baseURL: "https://api.cartesia.ai",
        baseURLVariable: "CARTESIA_BASE_URL",
        minimumPollInterval: 0,
        parameters: ParameterCatalogue.specs(for: id),
        trainingParameters: ParameterCatalogue.trainingSpecs(for: id))
}
