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
    /// Voices a page when the query names no limit (Cartesia's own default), and the most it takes.
    public static let defaultPageSize = 10
    public static let maxPageSize = 100
    /// Seconds between two reads of one fine-tune (Cartesia: poll about every 10 s).
    public static let fineTunePollInterval: Double = 10
    /// A Pro Voice Clone needs at least 30 minutes of audio; Cartesia sets no maximum.
    public static let minimumDatasetSeconds: Double = 30 * 60
    /// The audio formats a dataset file may have (Cartesia's Pro Voice Cloning guide).
    public static let datasetFormats = ["wav", "mp3", "flac", "ogg", "oga", "ogx", "aac", "wma", "m4a", "opus", "ac3", "webm"]
    /// A fine-tune costs 1,000,000 credits, charged when it completes.
    public static let fineTuneCredits: Int64 = 1_000_000

    /// `output_format[...]` values of the seed.
    public static let containers = ["raw", "wav", "mp3"]
    public static let sampleRates = [8000, 16000, 22050, 24000, 44100, 48000]
    public static let encodings = ["pcm_f32le", "pcm_s16le", "pcm_mulaw", "pcm_alaw"]
    /// MP3 bit rates Cartesia documents for its output formats.
    public static let bitRates = [32000, 64000, 96000, 128000, 192000]
    /// The rate sent when a dub names none.
    public static let defaultSampleRate = 44100

    /// Fine-tune languages (the Sonic 2 model's), the model fine-tuned when none is named, and the
    /// longest name and description sent.
    public static let languages = ["en", "de", "es", "fr", "ja", "pt", "zh", "hi", "it", "ko", "nl", "pl", "ru", "sv", "tr"]
    public static let defaultLanguage = "en"
    public static let defaultModel = "sonic-2"
    public static let maxNameLength = 100
    public static let maxDescriptionLength = 1000

    /// A dub's parameters, with their ranges; the rules between them (which container needs which
    /// field) are checked by the adapter when the dub's job is created, before any request.
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("container", .choice(containers),
                      "output_format[container]: raw (stored wrapped into WAV), wav or mp3; default wav (raw with stream=true)"),
        ParameterSpec("sample_rate", .integer(8000...48000),
                      "output_format[sample_rate]: 8000, 16000, 22050, 24000, 44100 or 48000 (default 44100)"),
        ParameterSpec("encoding", .choice(encodings),
                      "output_format[encoding]: required with container raw or wav (default pcm_s16le when no container is given)"),
        ParameterSpec("bit_rate", .integer(32000...192000),
                      "output_format[bit_rate]: required with container mp3; 32000, 64000, 96000, 128000 or 192000"),
        ParameterSpec("stream", .bool, "true: POST /voice-changer/sse (raw audio in events), written to disk as it arrives"),
    ]

    /// A training's parameters (`voice train --param`), sent with `POST /fine-tunes`.
    public static let trainingParameters: [ParameterSpec] = [
        ParameterSpec("language", .choice(languages), "the fine-tune's language code (default en)"),
        ParameterSpec("model_id", .text(maxLength: 100), "the base model fine-tuned (default \(defaultModel))"),
        ParameterSpec("description", .text(maxLength: maxDescriptionLength), "the dataset's and fine-tune's description"),
    ]

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
        parameters: parameters,
        trainingParameters: trainingParameters)
}
