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

        public init(language: String?, modelID: String? = nil, accent: String? = nil) {
            self.language = language
            self.modelID = modelID
            self.accent = accent
        }

        enum CodingKeys: String, CodingKey {
            case language, accent
            case modelID = "model_id"
        }
    }

    public init(voiceID: String, name: String?, category: String? = "premade", labels: [String: String]? = nil,
                description: String? = nil, previewURL: String? = nil, verifiedLanguages: [VerifiedLanguage]? = nil) {
        self.voiceID = voiceID
        self.name = name
        self.category = category
        self.labels = labels
        self.description = description
        self.previewURL = previewURL
        self.verifiedLanguages = verifiedLanguages
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

    public init(voices: [ElevenLabsVoice], hasMore: Bool, totalCount: Int?, nextPageToken: String?) {
        self.voices = voices
        self.hasMore = hasMore
        self.totalCount = totalCount
        self.nextPageToken = nextPageToken
    }

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

    public init(modelID: String, name: String?, canDoVoiceConversion: Bool?, canDoTextToSpeech: Bool? = nil,
                description: String? = nil) {
        self.modelID = modelID
        self.name = name
        self.canDoVoiceConversion = canDoVoiceConversion
        self.canDoTextToSpeech = canDoTextToSpeech
        self.description = description
    }

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

    public init(tier: String?, characterCount: Int64, characterLimit: Int64) {
        self.tier = tier
        self.characterCount = characterCount
        self.characterLimit = characterLimit
    }

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
