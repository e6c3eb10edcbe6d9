import Foundation

extension FakeVoiceDub {
    /// One answer the fake sent to an API call (presigned uploads and downloads are not kept).
    public struct SentResponse: Sendable, Equatable {
        /// The operation answered; nil for a path the API does not have.
        public var operation: Operation?
        /// The HTTP status.
        public var status: Int
        /// The JSON body.
        public var body: Data
    }

    /// A dub as the fake holds it, for assertions.
    public struct DubSnapshot: Sendable, Equatable {
        /// The id (lowercase UUID).
        public var id: String
        /// The spec's status value (`new` … `done`, `error`).
        public var status: String
        /// The voice the dub uses.
        public var voiceID: String
        /// The link given at creation, nil for an upload dub.
        public var link: String?
        /// Semitones, −24…24.
        public var pitchShift: Int
        /// Whether vocals are separated from the backing track.
        public var separate: Bool
        /// Milliseconds, once preprocessed.
        public var inputDuration: Int64?
        /// Once preprocessed: 10 per started minute, at least 10.
        public var requiredCredits: Int64?
        /// Credits charged (0 until generate or clone).
        public var apiCreditsUsed: Int64
        /// The failure code once in `error`.
        public var errorCode: String?
        /// The failure message once in `error`.
        public var errorMessage: String?
        /// How many bytes the last upload to the dub's uploadUrl carried (0 when none).
        public var uploadedBytes: Int
        /// How many /preprocess and /generate calls changed this dub (refused ones do not count).
        public var preprocessCalls: Int
        /// How many /generate calls started this dub (refused ones do not count).
        public var generateCalls: Int
        /// The WAV served at `dubUrl`, once preprocessing rendered it.
        public var resultFile: URL?

        init(_ dub: FakeDub) {
            id = dub.id
            status = dub.status.rawValue
            voiceID = dub.voiceID
            link = dub.link
            pitchShift = dub.pitchShift
            separate = dub.separate
            inputDuration = dub.inputDurationMs
            requiredCredits = dub.requiredCredits
            apiCreditsUsed = dub.apiCreditsUsed
            errorCode = dub.failure?.code
            errorMessage = dub.failure?.message
            uploadedBytes = dub.uploadedBytes
            preprocessCalls = dub.preprocessCalls
            generateCalls = dub.generateCalls
            resultFile = dub.resultFile
        }
    }

    /// A custom voice as the fake holds it, for assertions.
    public struct VoiceSnapshot: Sendable, Equatable {
        /// The id (lowercase UUID).
        public var id: String
        /// The display name.
        public var name: String
        /// The spec's status value (`new` … `done`, `error`).
        public var status: String
        /// How many upload URLs were handed out.
        public var numberOfFiles: Int
        /// Minutes of training audio asked for (5…60).
        public var maxMinutes: Int
        /// 10 × maxMinutes.
        public var requiredCredits: Int64
        /// Credits charged (0 until generate or clone).
        public var apiCreditsUsed: Int64
        /// The indexes of `uploadUrls` that received a file.
        public var uploadedFiles: [Int]
        /// How many /clone calls started this voice's training (refused ones do not count).
        public var cloneCalls: Int
        /// The failure code once in `error`.
        public var errorCode: String?
        /// The failure message once in `error`.
        public var errorMessage: String?

        init(_ voice: FakeCustomVoice) {
            id = voice.id
            name = voice.name
            status = voice.status.rawValue
            numberOfFiles = voice.numberOfFiles
            maxMinutes = voice.maxMinutes
            requiredCredits = voice.requiredCredits
            apiCreditsUsed = voice.apiCreditsUsed
            uploadedFiles = voice.files.keys.sorted()
            cloneCalls = voice.cloneCalls
            errorCode = voice.failure?.code
            errorMessage = voice.failure?.message
        }
    }
}
