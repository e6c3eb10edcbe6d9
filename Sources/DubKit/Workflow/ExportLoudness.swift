import DubKitMedia
import Foundation

/// How loud an export's dubbed audio is made (EBU R128 integrated loudness).
public enum ExportLoudness: Sendable, Hashable {
    /// Left as the provider made it.
    case off
    /// Normalised to this many LUFS (-16 is the usual target for the web).
    case target(Double)
    /// Made as loud as the original audio of the video: the default for video exports.
    case matchOriginal

    /// The usual target for audio published on the web.
    public static let web = ExportLoudness.target(-16)

    /// Parses `off`, `match` or a number of LUFS between -40 and -6.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "off", "none": self = .off
        case "match", "original": self = .matchOriginal
        default:
            guard let value = Double(text), (-40.0 ... -6.0).contains(value) else { return nil }
            self = .target(value)
        }
    }

    /// How it is recorded with the export.
    var recorded: JSONValue {
        switch self {
        case .off: .string("off")
        case let .target(lufs): .number(lufs)
        case .matchOriginal: .string("match")
        }
    }

    /// Where the dubs' audio is brought: nil to leave it as it is (`off`, or nothing to match: no
    /// original, or an original too quiet to measure). An original's loudness is matched within -40...-6 LUFS.
    func target(matching original: URL?) async throws -> LoudnessTarget? {
        switch self {
        case .off: return nil
        case let .target(lufs): return LoudnessTarget(integrated: lufs)
        case .matchOriginal:
            guard let original, let measured = try await LoudnessLeveler.measure(original).integrated else { return nil }
            return LoudnessTarget(integrated: min(max(measured, -40), -6))
        }
    }
}
