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
        parameters: ParameterCatalogue.specs(for: id))
}
