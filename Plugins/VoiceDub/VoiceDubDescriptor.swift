import DubKit

/// What VoiceDub offers and accepts, from its OpenAPI spec and docs/providers.md.
public enum VoiceDubDescriptor {
    /// The provider id, the prefix of `voicedub:<voice uuid>`.
    public static let id = "voicedub"
    /// The variable that overrides the base URL.
    public static let baseURLVariable = "VOICEDUB_BASE_URL"
    /// Dubs are limited to 30 minutes of input.
    public static let maxDurationSeconds: Double = 30 * 60
    /// The documented minimum time between two polls of one dub or voice.
    public static let minimumPollInterval: Double = 3
    /// Custom voices: 1...5 dataset files, 5...60 maxMinutes, names of 1...50 characters.
    public static let datasetFiles = 1...5
    public static let maxMinutes = 5...60
    public static let defaultMaxMinutes = 10
    public static let nameLength = 1...50
    /// Public voice search: page size and search text length.
    public static let pageSize = 8...50
    public static let searchLength = 1...50
    /// Training costs 10 credits per maxMinute.
    public static let creditsPerTrainingMinute: Int64 = 10

    /// The filter values the public catalogue accepts (`GET /v1/voices`).
    public static let languages = ["english", "spanish", "korean", "japanese", "french", "russian", "thai"]
    public static let genres = ["pop", "rap", "rock", "country", "rnb", "alternative", "jazz"]
    public static let styles = ["singing", "rapping", "speaking", "character", "other"]

    /// The descriptor the registry lists.
    public static let value = ProviderDescriptor(
        id: id, name: "VoiceDub",
        capabilities: [.convert, .train, .catalog, .separation, .pitchShift, .links],
        limits: ProviderLimits(maxDurationSeconds: maxDurationSeconds, pitchShift: ParameterCatalogue.pitchShift.range, datasetFiles: datasetFiles,
                               trainingMinutes: maxMinutes, defaultTrainingMinutes: defaultMaxMinutes),
        billing: .perStartedMinute(credits: 10, minimum: 10),
        keyVariable: "VOICEDUB_API_KEY",
        baseURL: "https://api.voicedub.ai",
        baseURLVariable: baseURLVariable,
        minimumPollInterval: minimumPollInterval,
        parameters: ParameterCatalogue.specs(for: id))

    /// A VoiceDub id (of a dub, a voice): letters, digits, `-` and `_` (a UUID), nothing that could
    /// leave its place in a URL path.
    static func isID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 100 && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }
}
