import Foundation

// Wire types of the VoiceDub API, with the spec's field names (seeds/voicedub-openapi.json).

/// `status` of a dub (`DubPrivate.status`).
public enum VoiceDubDubStatus: String, Sendable, Codable, CaseIterable {
    case new, preprocessing, preprocessed, queued, starting, processing, finalizing, done, error
}

/// `status` of a custom voice (`VoicePrivate.status`).
public enum VoiceDubVoiceStatus: String, Sendable, Codable, CaseIterable {
    case new, queued, starting, processing, finalizing, done, error
}

/// `DubPrivate`: a dub as the API returns it.
public struct VoiceDubDub: Sendable, Hashable, Codable {
    public var id: String
    public var voiceId: String?
    public var link: String?
    public var separate: Bool
    public var status: VoiceDubDubStatus
    /// Milliseconds; null before the dub is preprocessed.
    public var inputDuration: Int64?
    /// `upload` or `link`.
    public var inputSource: String
    public var pitchShift: Int
    public var errorCode: String?
    public var errorMessage: String?
    public var apiCreditsUsed: Int64
    public var apiCreditsLeft: Int64?
    public var completedAt: String?
    public var createdAt: String
    public var updatedAt: String
    public var dubUrl: String?
    /// A JSON number in the spec; null before the dub is preprocessed.
    public var requiredCredits: Double?
}

/// `CreateDubRequest`.
public struct VoiceDubCreateDubRequest: Sendable, Hashable, Codable {
    public var voiceId: String
    public var link: String?
    public var pitchShift: Int
    public var separate: Bool

    public init(voiceId: String, link: String?, pitchShift: Int, separate: Bool) {
        self.voiceId = voiceId
        self.link = link
        self.pitchShift = pitchShift
        self.separate = separate
    }
}

/// `CreateDubResponse`: the dub and, when no link was given, where to PUT its audio.
public struct VoiceDubCreateDubResponse: Sendable, Hashable, Codable {
    public var dub: VoiceDubDub
    public var uploadUrl: String?
}

/// `PreprocessDubResponse`, `GenerateDubResponse` and the answer of `GET /v1/me/dubs/{dubId}`.
public struct VoiceDubDubResponse: Sendable, Hashable, Codable {
    public var dub: VoiceDubDub
}

/// `VoicePublic`: a voice of the public catalog.
public struct VoiceDubPublicVoice: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var languages: [String]
    public var genres: [String]
    public var styles: [String]
    public var avatarFormat: String
    public var createdAt: String
    public var updatedAt: String
    public var avatarUrl: String
}

/// `GetPublicVoicesResponse`: one page and the cursor of the next (null on the last).
public struct VoiceDubPublicVoicesResponse: Sendable, Hashable, Codable {
    public var voices: [VoiceDubPublicVoice]
    public var nextCursor: String?
}

/// `VoicePrivate`: a custom voice of the account.
public struct VoiceDubVoice: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var status: VoiceDubVoiceStatus
    public var separate: Bool
    public var maxMinutes: Int
    public var errorCode: String?
    public var errorMessage: String?
    public var apiCreditsUsed: Int64
    public var apiCreditsLeft: Int64?
    public var completedAt: String?
    public var createdAt: String
    public var updatedAt: String
    public var requiredCredits: Double?
}

/// `CreateVoiceRequest`.
public struct VoiceDubCreateVoiceRequest: Sendable, Hashable, Codable {
    public var name: String
    public var numberOfFiles: Int
    public var maxMinutes: Int
    public var separate: Bool

    public init(name: String, numberOfFiles: Int, maxMinutes: Int, separate: Bool) {
        self.name = name
        self.numberOfFiles = numberOfFiles
        self.maxMinutes = maxMinutes
        self.separate = separate
    }
}

/// `CreateVoiceResponse`: the voice and one presigned upload URL per training file.
public struct VoiceDubCreateVoiceResponse: Sendable, Hashable, Codable {
    public var voice: VoiceDubVoice
    public var uploadUrls: [String]
}

/// `CloneVoiceResponse` and `GetVoiceResponse`.
public struct VoiceDubVoiceResponse: Sendable, Hashable, Codable {
    public var voice: VoiceDubVoice
}

/// `GetMeResponse`.
public struct VoiceDubMeResponse: Sendable, Hashable, Codable {
    /// `UserPrivate`.
    public struct User: Sendable, Hashable, Codable {
        public var apiCredits: Int64
    }
    public var user: User
}

/// The error body every failure carries: `{code, message}`, plus `errors` for `invalid_arguments`.
public struct VoiceDubErrorBody: Sendable, Hashable, Codable {
    public var code: String
    public var message: String
    /// `{params, query, body}` of `invalid_arguments`, kept as JSON text for the message.
    public var errors: String?

    private enum CodingKeys: String, CodingKey { case code, message, errors }

    public init(code: String, message: String, errors: String? = nil) {
        self.code = code
        self.message = message
        self.errors = errors
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        errors = (try? c.decodeIfPresent(AnyJSON.self, forKey: .errors))?.flatMap { $0.text }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
    }
}

/// Any JSON value, rendered compactly, for the `errors` detail of `invalid_arguments`.
struct AnyJSON: Decodable {
    let text: String?

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { text = nil }
        else if let value = try? c.decode(String.self) { text = value.debugDescription }
        else if let value = try? c.decode(Bool.self) { text = String(value) }
        else if let value = try? c.decode(Double.self) { text = value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value) }
        else if let value = try? c.decode([AnyJSON].self) { text = "[" + value.map { $0.text ?? "null" }.joined(separator: ", ") + "]" }
        else if let value = try? c.decode([String: AnyJSON].self) {
            let fields = value.sorted { $0.key < $1.key }.compactMap { key, value in value.text.map { "\(key): \($0)" } }
            text = fields.isEmpty ? nil : "{" + fields.joined(separator: ", ") + "}"
        } else { text = nil }
    }
}
