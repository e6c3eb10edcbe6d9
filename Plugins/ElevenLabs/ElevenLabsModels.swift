import DubKit
import Foundation

/// A voice as `GET /v2/voices` lists it (the fields the adapter reads; others are ignored).
public struct ElevenLabsVoice: Codable, Sendable, Hashable {
    public var voiceID: String
    public var name: String?
    /// `premade`, `cloned`, `generated`, `professional`, …
    public var category: String?
    /// Free-form labels: `accent`, `age`, `gender`, `use_case`, `description`, `language`, …
    public var labels: [String: String]?
    public var description: String?
    public var previewURL: String?
    /// The languages the voice was checked in (`{language, model_id, accent, …}`).
    public var verifiedLanguages: [VerifiedLanguage]?

    /// One entry of `verified_languages`.
    public struct VerifiedLanguage: Codable, Sendable, Hashable {
        public var language: String?
        public var modelID: String?
        public var accent: String?

        enum CodingKeys: String, CodingKey {
            case language, accent
            case modelID = "model_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, category, labels, description
        case voiceID = "voice_id"
        case previewURL = "preview_url"
        case verifiedLanguages = "verified_languages"
    }

    /// Labels are strings in the documentation; anything else (a number, null) is skipped rather than refused.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        voiceID = try c.decode(String.self, forKey: .voiceID)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        previewURL = try c.decodeIfPresent(String.self, forKey: .previewURL)
        verifiedLanguages = try? c.decodeIfPresent([VerifiedLanguage].self, forKey: .verifiedLanguages)
        if let raw = try? c.decodeIfPresent([String: LabelValue].self, forKey: .labels) {
            labels = raw.compactMapValues(\.text)
        }
    }

    private struct LabelValue: Decodable {
        var text: String?
        init(from decoder: any Decoder) throws {
            text = try? decoder.singleValueContainer().decode(String.self)
        }
    }
}

/// One page of `GET /v2/voices`: `{voices, has_more, total_count, next_page_token}`.
public struct ElevenLabsVoicePage: Codable, Sendable, Hashable {
    public var voices: [ElevenLabsVoice]
    public var hasMore: Bool
    public var totalCount: Int?
    public var nextPageToken: String?

    enum CodingKeys: String, CodingKey {
        case voices
        case hasMore = "has_more"
        case totalCount = "total_count"
        case nextPageToken = "next_page_token"
    }
}

/// A model as `GET /v1/models` lists it (the fields the adapter reads).
public struct ElevenLabsModel: Codable, Sendable, Hashable {
    public var modelID: String
    public var name: String?
    /// True for the models speech-to-speech accepts.
    public var canDoVoiceConversion: Bool?
    public var canDoTextToSpeech: Bool?
    public var description: String?

    enum CodingKeys: String, CodingKey {
        case name, description
        case modelID = "model_id"
        case canDoVoiceConversion = "can_do_voice_conversion"
        case canDoTextToSpeech = "can_do_text_to_speech"
    }
}

/// `GET /v1/user/subscription`, the part that says how many characters are left.
public struct ElevenLabsSubscription: Codable, Sendable, Hashable {
    public var tier: String?
    public var characterCount: Int64
    public var characterLimit: Int64

    enum CodingKeys: String, CodingKey {
        case tier
        case characterCount = "character_count"
        case characterLimit = "character_limit"
    }
}

/// An error body: `{detail: {status, message}}`, or FastAPI's 422 `{detail: [{loc, msg, type}]}`,
/// or `{detail: "text"}`.
struct ElevenLabsErrorBody: Decodable {
    /// `status` of the object form (`invalid_api_key`, `voice_not_found`, …).
    var status: String?
    var message: String?
    /// The entries of the 422 form.
    var problems: [Problem] = []

    struct Problem: Decodable {
        var loc: [LocationPart]?
        var msg: String?
        var type: String?

        /// `loc` mixes names and indexes (`["body", "voice_settings"]`, `["query", "output_format"]`).
        var location: String {
            (loc ?? []).map(\.text).filter { $0 != "body" && $0 != "query" && $0 != "path" }.joined(separator: ".")
        }
    }

    struct LocationPart: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let name = try? c.decode(String.self) { text = name } else { text = String((try? c.decode(Int.self)) ?? 0) }
        }
    }

    private struct Detail: Decodable {
        var status: String?
        var message: String?
    }

    private enum Keys: String, CodingKey { case detail }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let list = try? c.decode([Problem].self, forKey: .detail) {
            problems = list
        } else if let detail = try? c.decode(Detail.self, forKey: .detail) {
            status = detail.status
            message = detail.message
        } else {
            message = try c.decode(String.self, forKey: .detail)
        }
    }
}

/// An `output_format` of seed 002, `codec_sample_rate[_bitrate]`: what comes back and how it is stored.
public struct ElevenLabsOutputFormat: Sendable, Hashable, CustomStringConvertible {
    /// How the answer's bytes are encoded.
    public enum Codec: String, Sendable, Hashable {
        /// An MP3 stream.
        case mp3
        /// Headerless 16-bit little-endian mono PCM.
        case pcm
        /// Headerless 8-bit G.711 μ-law mono.
        case ulaw
    }

    /// The seed's values, every one the adapter offers (the catalogue's `output_format` choices).
    public static let names = ParameterCatalogue.parameter("output_format", for: ElevenLabsDescriptor.id)?.choices ?? []
    /// What ElevenLabs sends when no format is asked for.
    public static let defaultName = "mp3_44100_128"
    /// The format of ``defaultName``.
    public static let standard = ElevenLabsOutputFormat(name: defaultName, codec: .mp3, sampleRate: 44_100, kilobitsPerSecond: 128)

    /// The value as sent, e.g. `pcm_24000`.
    public let name: String
    public let codec: Codec
    /// Samples per second.
    public let sampleRate: Int
    /// kb/s, for MP3.
    public let kilobitsPerSecond: Int?

    /// The format of one of the seed's values; nil for anything else.
    public init?(_ name: String) {
        guard Self.names.contains(name) else { return nil }
        let parts = name.split(separator: "_").map(String.init)
        guard parts.count >= 2, let codec = Codec(rawValue: parts[0]), let rate = Int(parts[1]) else { return nil }
        self.name = name
        self.codec = codec
        sampleRate = rate
        kilobitsPerSecond = parts.count > 2 ? Int(parts[2]) : nil
    }

    private init(name: String, codec: Codec, sampleRate: Int, kilobitsPerSecond: Int?) {
        self.name = name
        self.codec = codec
        self.sampleRate = sampleRate
        self.kilobitsPerSecond = kilobitsPerSecond
    }

    public var description: String { name }

    /// True when the answer has no header (PCM, μ-law) and must be wrapped into a WAV to be decodable.
    public var isHeaderless: Bool { codec != .mp3 }

    /// The stored result's extension.
    public var fileExtension: String { codec == .mp3 ? "mp3" : "wav" }

    /// Bytes one second of audio takes in the answer (for progress).
    public var bytesPerSecond: Int {
        switch codec {
        case .mp3: (kilobitsPerSecond ?? 128) * 1000 / 8
        case .pcm: sampleRate * 2
        case .ulaw: sampleRate
        }
    }
}

/// What one speech-to-speech request asks for, built from a dub's parameters once they passed the
/// descriptor's checks: the form's text fields, the query, the endpoint.
public struct ElevenLabsConversion: Codable, Sendable, Hashable {
    public var voiceID: String
    /// `model_id`, when given (ElevenLabs's default otherwise).
    public var modelID: String?
    /// `voice_settings` as JSON text with the settings given (sorted keys), nil when none.
    public var voiceSettings: String?
    public var seed: Int64?
    public var removeBackgroundNoise: Bool?
    /// `file_format`, when given: `pcm_s16le_16` or `other`.
    public var fileFormat: String?
    /// Always sent, so the adapter knows what comes back.
    public var outputFormat: String
    public var optimizeStreamingLatency: Int?
    public var enableLogging: Bool?
    /// Use `POST /v1/speech-to-speech/{voice_id}/stream`.
    public var stream: Bool

    /// The voice settings a dub parameter may set, inside `voice_settings`.
    static let voiceSettingNames = ["similarity_boost", "speed", "stability", "style", "use_speaker_boost"]

    /// True when the input is sent as raw 16-bit 16 kHz mono PCM.
    public var sendsRawPCM: Bool { fileFormat == "pcm_s16le_16" }

    /// The output format (always one of the seed's: the parameter is a choice of them).
    public var format: ElevenLabsOutputFormat {
        ElevenLabsOutputFormat(outputFormat) ?? .standard
    }

    /// Builds the request; `parameters` must have passed ``ProviderDescriptor/validate(pitchShift:parameters:)``.
    public init(voiceID: String, parameters: DubParameters) throws(ElevenLabsError) {
        let values = parameters.values
        self.voiceID = voiceID
        if case let .string(model)? = values["model_id"] {
            let trimmed = model.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) else {
                throw .invalidValue(field: "model_id", value: model.debugDescription,
                                    allowed: "a model id such as eleven_multilingual_sts_v2 (letters, digits, _ - .)")
            }
            modelID = trimmed
        }
        var settings: [String: JSONValue] = [:]
        for name in Self.voiceSettingNames { if let value = values[name] { settings[name] = value } }
        voiceSettings = settings.isEmpty ? nil : DubParameters.canonicalText(.object(settings))
        if case let .number(value)? = values["seed"] { seed = Int64(exactly: value) }
        if case let .bool(value)? = values["remove_background_noise"] { removeBackgroundNoise = value }
        if case let .string(value)? = values["file_format"] { fileFormat = value }
        if case let .string(value)? = values["output_format"] {
            outputFormat = value
        } else {
            outputFormat = ElevenLabsOutputFormat.defaultName
        }
        if case let .number(value)? = values["optimize_streaming_latency"] { optimizeStreamingLatency = Int(exactly: value) }
        if case let .bool(value)? = values["enable_logging"] { enableLogging = value }
        if case let .bool(value)? = values["stream"] { stream = value } else { stream = false }
    }

    /// The endpoint, for messages.
    public var operation: String { "POST /v1/speech-to-speech/\(voiceID)" + (stream ? "/stream" : "") }

    /// The multipart text fields besides `audio`, in order.
    public var formFields: [(String, String)] {
        var fields: [(String, String)] = []
        if let modelID { fields.append(("model_id", modelID)) }
        if let voiceSettings { fields.append(("voice_settings", voiceSettings)) }
        if let seed { fields.append(("seed", String(seed))) }
        if let removeBackgroundNoise { fields.append(("remove_background_noise", String(removeBackgroundNoise))) }
        if let fileFormat { fields.append(("file_format", fileFormat)) }
        return fields
    }

    /// The query parameters.
    public var query: [URLQueryItem] {
        var items = [URLQueryItem(name: "output_format", value: outputFormat)]
        if let optimizeStreamingLatency {
            items.append(URLQueryItem(name: "optimize_streaming_latency", value: String(optimizeStreamingLatency)))
        }
        if let enableLogging { items.append(URLQueryItem(name: "enable_logging", value: String(enableLogging))) }
        return items
    }
}
