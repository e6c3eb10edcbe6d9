import Foundation

extension FakeVoiceConvert {
    /// How the fake behaves.
    public struct Options: Sendable {
        /// The key `Authorization: Bearer <key>` must carry.
        public var apiKey: String
        /// The account's voice credits.
        public var startingCredits: Int64
        /// How long a task stays `pending`, and then `processing`.
        public var stageDuration: Duration
        /// How long an `audioUrl` stays valid, signed as object storage signs links (`Expires`,
        /// `Signature`, a fresh one on every read of the task); nil gives plain links that never
        /// expire, as the seed shows them.
        public var audioURLLifetime: Duration?

        public init(apiKey: String = "sk_test", startingCredits: Int64 = 10_000, stageDuration: Duration = .milliseconds(150),
                    audioURLLifetime: Duration? = nil) {
            self.apiKey = apiKey
            self.startingCredits = startingCredits
            self.stageDuration = stageDuration
            self.audioURLLifetime = audioURLLifetime
        }
    }

    /// The operations the fake serves, each counted.
    public enum Operation: String, Sendable, CaseIterable {
        case convert, getTask, downloadAudio, unknown
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
        /// Handled (a task is created), then the connection closes without an answer.
        case dropAfterProcessing
        /// Answered normally; the task created ends `failed` with this code and message.
        case taskFails(code: String, message: String)
    }

    /// What the fake holds about one task.
    public struct Task: Sendable {
        public var id: String
        public var createdAt: Date
        /// The POST's body as received.
        public var body: [String: FakeJSON]
        /// The rendered result, nil when the task fails.
        public var result: Data?
        public var format: String
        /// Seconds of audio in the result.
        public var outputSeconds: Double
        /// Set when the task ends `failed`.
        public var failure: (code: String, message: String)?
        /// Credits taken when it completed.
        public var charged: Int64?
        /// Set by the test to end the task as `cancelled`.
        public var cancelled = false
        /// The signatures of the `audioUrl`s handed out, with their expiry.
        var signatures: [String: Date] = [:]
        /// The statuses a client has been shown (by the POST's answer or a read).
        var shown: Set<String> = []

        /// The status at `now`.
        public func status(at now: Date, stage: Duration) -> String {
            if cancelled { return "cancelled" }
            let seconds = Double(stage.components.seconds) + Double(stage.components.attoseconds) / 1e18
            let age = now.timeIntervalSince(createdAt)
            if age < seconds { return "pending" }
            if age < 2 * seconds { return "processing" }
            return failure == nil ? "completed" : "failed"
        }

        /// The status at `now`, except that a status in `held` that time has passed but no client has
        /// been shown yet is still the task's status (see ``FakeVoiceConvert/holdUntilRead(_:)``).
        func status(at now: Date, stage: Duration, holding held: Set<String>) -> String {
            let natural = status(at: now, stage: stage)
            if natural == "cancelled" { return natural }
            let passed = Self.order.firstIndex(of: natural) ?? Self.order.count
            return Self.order.prefix(passed).first { held.contains($0) && !shown.contains($0) } ?? natural
        }

        /// The statuses a task goes through before it ends.
        static let order = ["pending", "processing"]
    }
}

/// A JSON value as the fake reads a request body.
public enum FakeJSON: Sendable, Equatable, Codable {
    case null, bool(Bool), number(Double), string(String), array([FakeJSON]), object([String: FakeJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([FakeJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: FakeJSON].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}
