import Foundation

/// A search of a provider's voices, one page at a time.
public struct VoiceQuery: Sendable, Hashable, Codable {
    public var search: String?
    public var languages: [String]
    public var genres: [String]
    public var styles: [String]
    public var limit: Int?
    /// The cursor of the page to fetch; nil for the first.
    public var cursor: String?

    public init(search: String? = nil, languages: [String] = [], genres: [String] = [], styles: [String] = [],
                limit: Int? = nil, cursor: String? = nil) {
        self.search = search
        self.languages = languages
        self.genres = genres
        self.styles = styles
        self.limit = limit
        self.cursor = cursor
    }
}

/// A voice a provider offers.
public struct ProviderVoice: Sendable, Hashable, Codable {
    /// The provider's id for it, the VOICE of `PROVIDER:VOICE`.
    public var id: String
    public var name: String
    public var languages: [String]
    public var genres: [String]
    public var styles: [String]

    public init(id: String, name: String, languages: [String] = [], genres: [String] = [], styles: [String] = []) {
        self.id = id
        self.name = name
        self.languages = languages
        self.genres = genres
        self.styles = styles
    }
}

/// One page of voices and the cursor of the next, nil on the last page.
public struct VoicePage: Sendable, Hashable, Codable {
    public var voices: [ProviderVoice]
    public var nextCursor: String?

    public init(voices: [ProviderVoice], nextCursor: String?) {
        self.voices = voices
        self.nextCursor = nextCursor
    }
}

/// The account's standing with a provider.
public struct ProviderAccount: Sendable, Hashable, Codable {
    /// Credits left, when the provider tells.
    public var credits: Int64?

    public init(credits: Int64?) {
        self.credits = credits
    }
}

/// What a provider needs to create a dub job.
public struct DubJobRequest: Sendable, Hashable, Codable {
    /// The provider's voice id.
    public var voice: String
    public var pitchShift: Int
    public var separate: Bool
    public var parameters: DubParameters
    /// A link the provider fetches itself, when it can; otherwise the audio is uploaded.
    public var link: String?
    /// The stored model data of a custom voice trained by this provider (see ``Voice/modelData``).
    public var voiceData: JSONValue?

    public init(voice: String, pitchShift: Int, separate: Bool, parameters: DubParameters, link: String? = nil,
                voiceData: JSONValue? = nil) {
        self.voice = voice
        self.pitchShift = pitchShift
        self.separate = separate
        self.parameters = parameters
        self.link = link
        self.voiceData = voiceData
    }
}

/// A provider's answer about a dub job, in DubKit's status vocabulary.
public struct DubJobState: Sendable, Hashable, Codable {
    public var jobID: String
    /// The provider's status mapped onto the dub lifecycle (`done` = the result can be downloaded).
    public var status: DubStatus
    public var inputDurationMs: Int64?
    public var creditsRequired: Int64?
    public var creditsUsed: Int64?
    /// Set when `status` is `error`.
    public var failure: FailureInfo?
    /// A decision the adapter took that the user should find in the dub's log, such as looking the job
    /// up after the answer to a paid request was lost (and not sending it again).
    public var note: String?
    /// Where the finished result can be fetched, when the provider's answer says (a signed link: never
    /// stored or shown); handed back to ``Provider/downloadDub(jobID:to:seen:)``.
    public var resultURL: String?

    public init(jobID: String, status: DubStatus, inputDurationMs: Int64? = nil, creditsRequired: Int64? = nil,
                creditsUsed: Int64? = nil, failure: FailureInfo? = nil, note: String? = nil, resultURL: String? = nil) {
        self.jobID = jobID
        self.status = status
        self.inputDurationMs = inputDurationMs
        self.creditsRequired = creditsRequired
        self.creditsUsed = creditsUsed
        self.failure = failure
        self.note = note
        self.resultURL = resultURL
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "jobId", status, inputDurationMs, creditsRequired, creditsUsed, failure, note, resultURL
    }
}

/// What a provider needs to create a custom voice.
public struct VoiceJobRequest: Sendable, Hashable, Codable {
    public var name: String
    public var numberOfFiles: Int
    public var maxMinutes: Int?
    public var separate: Bool
    /// Provider-specific training parameters (`voice train --param`), checked against the descriptor's
    /// ``ProviderDescriptor/trainingParameters`` (Cartesia: `language`, `model_id`, `description`).
    public var parameters: DubParameters

    public init(name: String, numberOfFiles: Int, maxMinutes: Int? = nil, separate: Bool = false,
                parameters: DubParameters = .empty) {
        self.name = name
        self.numberOfFiles = numberOfFiles
        self.maxMinutes = maxMinutes
        self.separate = separate
        self.parameters = parameters
    }

    private enum CodingKeys: String, CodingKey { case name, numberOfFiles, maxMinutes, separate, parameters }

    /// Decodes a request; `parameters` may be left out (requests written before it existed).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), numberOfFiles: try c.decode(Int.self, forKey: .numberOfFiles),
                  maxMinutes: try c.decodeIfPresent(Int.self, forKey: .maxMinutes),
                  separate: try c.decodeIfPresent(Bool.self, forKey: .separate) ?? false,
                  parameters: try c.decodeIfPresent(DubParameters.self, forKey: .parameters) ?? .empty)
    }
}

/// A provider's answer about a voice being trained.
public struct VoiceJobState: Sendable, Hashable, Codable {
    public var voiceID: String
    public var status: VoiceStatus
    /// What the paid training step will cost, when the provider says (VoiceDub: on the created voice).
    public var creditsRequired: Int64?
    public var creditsUsed: Int64?
    public var failure: FailureInfo?
    /// What the provider hands back for a trained voice, to be stored with it (the local engine's profile).
    public var voiceData: JSONValue?
    /// A decision the adapter took that the user should find in the voice's log (see ``DubJobState/note``).
    public var note: String?

    public init(voiceID: String, status: VoiceStatus, creditsRequired: Int64? = nil, creditsUsed: Int64? = nil,
                failure: FailureInfo? = nil, voiceData: JSONValue? = nil, note: String? = nil) {
        self.voiceID = voiceID
        self.status = status
        self.creditsRequired = creditsRequired
        self.creditsUsed = creditsUsed
        self.failure = failure
        self.voiceData = voiceData
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case voiceID = "voiceId", status, creditsRequired, creditsUsed, failure, voiceData, note
    }
}
