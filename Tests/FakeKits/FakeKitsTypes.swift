import Foundation

extension FakeKits {
    /// How the fake behaves.
    public struct Options: Sendable {
        /// The key `Authorization: Bearer <key>` must carry.
        public var apiKey: String
        /// How long a conversion stays `running`.
        public var stageDuration: Duration
        /// Size of the generated voice-model catalogue (every 7th model is not usable by the account).
        public var voiceModels: Int
        /// The largest `soundFile` accepted (Kits: 100 MB).
        public var maxSoundFileBytes: Int
        /// How long a signed output URL stays valid.
        public var signedURLLifetime: Duration

        public init(apiKey: String = "kits-test-key", stageDuration: Duration = .milliseconds(200), voiceModels: Int = 25,
                    maxSoundFileBytes: Int = 100_000_000, signedURLLifetime: Duration = .seconds(3600)) {
            self.apiKey = apiKey
            self.stageDuration = stageDuration
            self.voiceModels = voiceModels
            self.maxSoundFileBytes = maxSoundFileBytes
            self.signedURLLifetime = signedURLLifetime
        }
    }

    /// The operations the fake serves, each counted.
    public enum Operation: String, Sendable, CaseIterable {
        case listVoiceModels, getVoiceModel, createConversion, listConversions, getConversion, downloadOutput, unknown
    }

    /// Something that goes wrong on purpose, injected per operation (in order).
    public enum Fault: Sendable, Equatable {
        /// 429 with `Retry-After`; nothing happens.
        case rateLimited(retryAfterSeconds: Int)
        /// 500; nothing happens.
        case serverError
        /// Handled at once, answered this much later.
        case slow(Duration)
        /// The connection closes with nothing done (a download sends half its body, resumable).
        case dropConnection
        /// Handled (a conversion is created), then the connection closes without an answer.
        case dropAfterProcessing
        /// Answered normally; the conversion created ends in `error` instead of `success`.
        case conversionFails
    }

    /// A voice model of the catalogue.
    public struct VoiceModel: Sendable, Hashable, Codable {
        public var id: Int64
        public var title: String
        public var isUsable: Bool
        public var tags: [String]
        public var imageUrl: String
        public var demoUrl: String
    }

    /// What the fake holds about one conversion.
    public struct Conversion: Sendable {
        public var id: Int64
        public var voiceModelId: Int64
        public var createdAt: Date
        /// The text fields of the form, by name.
        public var fields: [String: String]
        public var soundFileName: String
        /// `wav`, `mp3` or `flac`, from the file's own bytes.
        public var soundFileFormat: String
        public var soundFileBytes: Int
        /// Seconds of audio decoded from the sound file.
        public var inputSeconds: Double
        /// The rendered result (a WAV of the input), nil when the input did not decode.
        public var result: Data?
        /// Ends in `error` rather than `success`.
        public var fails: Bool
        /// Set by the test to end the conversion early as `cancelled`.
        public var cancelled = false
        /// Signed-URL tokens issued for it.
        var tokens: [String: Date] = [:]

        /// The status at `now`.
        public func status(at now: Date, stage: Duration) -> String {
            if cancelled { return "cancelled" }
            let seconds = Double(stage.components.seconds) + Double(stage.components.attoseconds) / 1e18
            guard now.timeIntervalSince(createdAt) >= seconds else { return "running" }
            return fails || result == nil ? "error" : "success"
        }
    }
}
