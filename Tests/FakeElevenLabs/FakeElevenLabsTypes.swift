import Foundation

extension FakeElevenLabs {
    /// How the fake behaves.
    public struct Options: Sendable {
        /// The key `xi-api-key` must carry.
        public var apiKey: String
        /// Size of the generated voice library.
        public var voices: Int
        /// The plan's characters a month, and those already used.
        public var characterLimit: Int64
        public var charactersUsed: Int64
        /// Conversions the plan runs at once; one more is refused with 429 `too_many_concurrent_requests`.
        public var maxConcurrentRequests: Int
        /// Time spent converting before the answer starts (what makes requests overlap).
        public var processingDelay: Duration
        /// How many chunks a streamed answer is cut into, and the wait before each.
        public var streamChunks: Int
        public var streamChunkDelay: Duration

        public init(apiKey: String = "el-test-key", voices: Int = 25, characterLimit: Int64 = 100_000, charactersUsed: Int64 = 0,
                    maxConcurrentRequests: Int = 2, processingDelay: Duration = .zero, streamChunks: Int = 8,
                    streamChunkDelay: Duration = .zero) {
            self.apiKey = apiKey
            self.voices = voices
            self.characterLimit = characterLimit
            self.charactersUsed = charactersUsed
            self.maxConcurrentRequests = maxConcurrentRequests
            self.processingDelay = processingDelay
            self.streamChunks = streamChunks
            self.streamChunkDelay = streamChunkDelay
        }
    }

    /// The operations the fake serves, each counted.
    public enum Operation: String, Sendable, CaseIterable {
        case listVoices, listModels, subscription, convert, convertStream, unknown
    }

    /// Something that goes wrong on purpose, injected per operation (in order). Nothing is charged
    /// unless the fault says so.
    public enum Fault: Sendable, Equatable {
        /// 401 `{detail: {status: invalid_api_key, message}}`, whatever key was sent.
        case invalidAPIKey
        /// 401 `{detail: {status: quota_exceeded, message}}`, whatever the plan has left.
        case quotaExceeded
        /// 422 `{detail: [{loc: ["body", field], msg, type: value_error}]}`.
        case unprocessable(field: String, message: String)
        /// 429 `{detail: {status: too_many_concurrent_requests, message}}`, with `Retry-After` when given.
        case tooManyConcurrentRequests(retryAfterSeconds: Int?)
        /// 429 `{detail: {status: system_busy, message}}`, with `Retry-After` when given.
        case systemBusy(retryAfterSeconds: Int?)
        /// 500 `{detail: {status: internal_server_error, message}}`.
        case serverError
        /// The answer comes in chunks with this wait before each (streamed or not).
        case slowStream(chunkDelay: Duration)
        /// The connection closes with nothing done and no answer.
        case dropConnection
        /// Converted and charged, then the connection closes after half the audio.
        case dropMidBody
    }

    /// A voice of the library.
    public struct Voice: Sendable, Hashable {
        public var voiceID: String
        public var name: String
        public var category: String
        public var labels: [String: String]
        public var description: String
        /// ISO 639-1 codes the voice is verified in.
        public var languages: [String]
    }

    /// A model of `GET /v1/models`.
    public struct Model: Sendable, Hashable {
        public var modelID: String
        public var name: String
        public var canDoVoiceConversion: Bool
        public var canDoTextToSpeech: Bool
    }

    /// What the fake holds about one conversion it answered.
    public struct Conversion: Sendable {
        public var voiceID: String
        /// True for `POST …/stream`.
        public var streamed: Bool
        /// The query parameters, by name.
        public var query: [String: String]
        /// The form's text fields, by name.
        public var fields: [String: String]
        public var audioFilename: String
        public var audioContentType: String?
        public var audioBytes: Int
        /// `pcm_s16le_16` when the audio was taken as raw PCM, else the container recognised by its bytes.
        public var audioFormat: String
        /// Seconds of audio decoded from the input.
        public var inputSeconds: Double
        public var outputFormat: String
        public var outputBytes: Int
        /// Characters charged.
        public var charged: Int64
    }
}
