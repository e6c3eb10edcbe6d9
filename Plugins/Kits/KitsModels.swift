import DubKit
import Foundation

/// An inference job as Kits.ai answers it (`POST` and `GET /voice-conversions`); times are Kits's own
/// text (`2023-09-19 20:13:50.428000 +00:00`), kept as given.
public struct KitsInferenceJob: Codable, Sendable, Hashable {
    public var id: Int64
    public var createdAt: String?
    public var type: String?
    public var voiceModelId: Int64?
    /// `running`, then `success`, `error` or `cancelled`.
    public var status: String
    public var jobStartTime: String?
    public var jobEndTime: String?
    /// Signed URLs of the result, present once the job succeeded.
    public var outputFileUrl: String?
    public var lossyOutputFileUrl: String?
    public var recombinedAudioFileUrl: String?

    /// `createdAt` as a date, when it has Kits's shape (or ISO 8601).
    public var createdDate: Date? { createdAt.flatMap(KitsTimestamp.date) }
}

/// A voice model of the catalogue (`GET /voice-models`).
public struct KitsVoiceModel: Codable, Sendable, Hashable {
    public var id: Int64
    public var title: String?
    public var isUsable: Bool?
    public var tags: [String]?
    public var imageUrl: String?
    public var demoUrl: String?

}

/// One page of a Kits list: `{data, meta}`.
public struct KitsPage<Item: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var data: [Item]
    public var meta: KitsPageMeta

}

/// Where a page sits in its list.
public struct KitsPageMeta: Codable, Sendable, Hashable {
    public var total: Int?
    public var perPage: Int?
    public var currentPage: Int?
    public var lastPage: Int?
    public var firstPage: Int?
    public var firstPageUrl: String?
    public var lastPageUrl: String?
    public var nextPageUrl: String?
    public var previousPageUrl: String?

    /// The number of the next page, nil on the last one.
    public var nextPage: Int? {
        guard let current = currentPage else { return nil }
        if let last = lastPage { return current < last ? current + 1 : nil }
        return nextPageUrl == nil ? nil : current + 1
    }
}

/// Kits's timestamp text, `yyyy-MM-dd HH:mm:ss.SSSSSS +00:00`.
public enum KitsTimestamp {
    /// The text for a date, in UTC.
    public static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return formatter.string(from: date) + "000 +00:00"
    }

    /// The date of a Kits timestamp (fractions of any length, any offset) or an ISO 8601 one.
    public static func date(_ text: String) -> Date? {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: text) { return date }
        let parts = text.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        let seconds = parts[1].split(separator: ".", maxSplits: 1)
        let fraction = seconds.count > 1 ? Double("0." + seconds[1]) ?? 0 : 0
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ssxxx"
        let offset = parts.count > 2 ? String(parts[2]) : "+00:00"
        guard let whole = formatter.date(from: "\(parts[0]) \(seconds[0])\(offset)") else { return nil }
        return whole.addingTimeInterval(fraction)
    }
}

/// Kits.ai's pre- and post-processing effects on the wire: the dub parameters `pre.<Effect>.<field>`
/// (a number) and `pre.<Effect>` (true: the effect with the service's defaults) sent as the JSON text
/// of the `pre` and `post` form fields (`{"NoiseGate": {"threshold_db": -40}}`).
enum KitsEffects {
    /// The JSON text of the `pre` and `post` fields the parameters ask for (nil when none).
    static func formFields(_ parameters: DubParameters) -> (pre: String?, post: String?) {
        func text(_ stage: String) -> String? {
            var effects: [String: JSONValue] = [:]
            for (key, value) in parameters.values where key.hasPrefix(stage + ".") {
                let parts = key.split(separator: ".", maxSplits: 2).map(String.init)
                guard parts.count >= 2 else { continue }
                var fields: [String: JSONValue]
                if case let .object(existing)? = effects[parts[1]] { fields = existing } else { fields = [:] }
                if parts.count == 3 {
                    fields[parts[2]] = value
                } else if value == .bool(false) {
                    continue
                }
                effects[parts[1]] = .object(fields)
            }
            return effects.isEmpty ? nil : DubParameters.canonicalText(.object(effects))
        }
        return (text("pre"), text("post"))
    }
}
