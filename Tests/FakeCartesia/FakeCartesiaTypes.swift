import Foundation

extension FakeCartesia {
    /// How the fake behaves.
    public struct Options: Sendable {
        /// The key `Authorization: Bearer` must carry.
        public var apiKey: String
        /// Size of the generated public voice library.
        public var voices: Int
        /// Credits on the plan: conversions (15 a second) and completed fine-tunes (1,000,000) draw on them.
        public var credits: Int64
        /// Voice changer requests the plan runs at once; one more is refused with 429 `concurrency_limited`.
        public var maxConcurrentRequests: Int
        /// Time spent converting before the answer starts.
        public var processingDelay: Duration
        /// How many chunk events (or body chunks) an answer is cut into, and the wait before each.
        public var streamChunks: Int
        public var streamChunkDelay: Duration
        /// How SSE events are framed: `data: {...}` lines and a blank line, or bare JSON lines.
        public var framing: Framing
        /// Error bodies as JSON `{error_code, title, message, request_id}` (2026 versions) or plain text (older).
        public var errorStyle: ErrorStyle
        /// How long a fine-tune stays `created`, then `training`, before it is `completed`.
        public var fineTuneQueued: Duration
        public var fineTuneTraining: Duration

        public init(apiKey: String = "sk_car_test", voices: Int = 25, credits: Int64 = 5_000_000, maxConcurrentRequests: Int = 2,
                    processingDelay: Duration = .zero, streamChunks: Int = 8, streamChunkDelay: Duration = .zero,
                    framing: Framing = .dataLines, errorStyle: ErrorStyle = .json,
                    fineTuneQueued: Duration = .milliseconds(300), fineTuneTraining: Duration = .milliseconds(600)) {
            self.apiKey = apiKey
            self.voices = voices
            self.credits = credits
            self.maxConcurrentRequests = maxConcurrentRequests
            self.processingDelay = processingDelay
            self.streamChunks = streamChunks
            self.streamChunkDelay = streamChunkDelay
            self.framing = framing
            self.errorStyle = errorStyle
            self.fineTuneQueued = fineTuneQueued
            self.fineTuneTraining = fineTuneTraining
        }
    }

    /// How the events of `POST /voice-changer/sse` are framed on the wire.
    public enum Framing: Sendable {
        /// `data: {...}` then a blank line (server-sent events).
        case dataLines
        /// One JSON object per line, nothing else.
        case bareJSON
    }

    /// How error answers are written.
    public enum ErrorStyle: Sendable {
        case json, plainText
    }

    /// The operations the fake serves, each counted.
    public enum Operation: String, Sendable, CaseIterable {
        case listVoices, changeVoiceBytes, changeVoiceSSE
        case createDataset, listDatasets, getDataset, listDatasetFiles, uploadDatasetFile
        case createFineTune, listFineTunes, getFineTune, listFineTuneVoices
        case unknown
    }

    /// Something that goes wrong on purpose, injected per operation (in order). Nothing is done or
    /// charged unless the fault says so.
    public enum Fault: Sendable, Equatable {
        /// 401, whatever key was sent.
        case unauthorized
        /// 402 `insufficient_credits`.
        case quotaExceeded
        /// 422 naming `field`.
        case unprocessable(field: String, message: String)
        /// 429 `concurrency_limited`, with `Retry-After` when given.
        case concurrencyLimited(retryAfterSeconds: Int?)
        /// 500 `internal_server_error`.
        case serverError
        /// The answer comes in chunks with this wait before each.
        case slowStream(chunkDelay: Duration)
        /// The connection closes with nothing done and no answer.
        case dropConnection
        /// The request is carried out (a dataset file stored, a fine-tune created, a conversion
        /// charged), then the connection closes without an answer.
        case dropAfterEffect
        /// The voice changer stream sends half its chunks, then an `error` event (nothing charged).
        case streamError
    }

    /// A voice of the library, or made by a fine-tune.
    public struct Voice: Sendable, Hashable {
        public var id: String
        public var name: String
        public var description: String
        public var language: String
        public var gender: String
        public var isOwner: Bool
    }

    /// What the fake holds about one conversion it answered.
    public struct Conversion: Sendable {
        public var voiceID: String
        /// True for `POST /voice-changer/sse`.
        public var streamed: Bool
        /// The form's text fields, by name (`voice[id]`, `output_format[container]`, …).
        public var fields: [String: String]
        public var clipFilename: String
        public var clipContentType: String?
        public var clipBytes: Int
        /// Seconds of audio decoded from the clip.
        public var inputSeconds: Double
        /// The audio bytes answered (decoded from the events for SSE).
        public var outputBytes: Int
        /// Characters charged.
        public var charged: Int64
    }

    /// A dataset and its files.
    public struct Dataset: Sendable {
        public var id: String
        public var name: String
        public var description: String
        public var createdAt: String
        public var files: [DatasetFile]

        /// Seconds of audio in all its files.
        public var seconds: Double { files.map(\.seconds).reduce(0, +) }
    }

    /// A file of a dataset, measured when it was uploaded.
    public struct DatasetFile: Sendable {
        public var id: String
        public var filename: String
        public var size: Int
        public var seconds: Double
        public var purpose: String
        public var createdAt: String
    }

    /// A fine-tune; its status follows the clock from `created`.
    public struct FineTune: Sendable {
        public var id: String
        public var name: String
        public var description: String
        public var language: String
        public var modelID: String
        public var dataset: String
        public var createdAt: Date
        /// Ends `failed` instead of `completed`.
        public var fails: Bool
        /// The voice made once it completed (and was first read so).
        public var voiceID: String?
    }
}
