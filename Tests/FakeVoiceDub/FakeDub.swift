import Foundation

/// One dub the fake keeps: what was asked, where it stands, and what it produced. Its status moves
/// on with time: each processing status lasts one stage duration (see ``advance(to:stage:)``).
struct FakeDub: Sendable {
    /// The spec's `DubPrivate.status` enum.
    enum Status: String, Sendable {
        case new, preprocessing, preprocessed, queued, starting, processing, finalizing, done, error

        /// The status that follows after one stage duration, for the statuses that move on by themselves.
        var next: Status? {
            switch self {
            case .preprocessing: .preprocessed
            case .queued: .starting
            case .starting: .processing
            case .processing: .finalizing
            case .finalizing: .done
            case .new, .preprocessed, .done, .error: nil
            }
        }
    }

    /// An `errorCode`/`errorMessage` pair.
    struct Failure: Error, Sendable, Equatable {
        var code: String
        var message: String
    }

    let id: String
    let voiceID: String
    let link: String?
    let separate: Bool
    let pitchShift: Int
    let createdAt: Date
    var status: Status = .new
    var updatedAt: Date
    /// When the current status began (for the walk).
    var statusSince: Date
    /// The uploaded or fetched input, once there is one.
    var inputFile: URL?
    var uploadedBytes = 0
    /// The input's measured length, revealed as `inputDuration` once preprocessed.
    var measuredDurationMs: Int64?
    /// The audio served at `dubUrl` once done.
    var resultFile: URL?
    var inputDurationMs: Int64?
    var requiredCredits: Int64?
    var apiCreditsUsed: Int64 = 0
    var apiCreditsLeft: Int64?
    var failure: Failure?
    /// A failure that happens at the next status change (measured input problems, injected faults).
    var pendingFailure: Failure?
    var completedAt: Date?
    var dubURL: String?
    var dubURLExpires: Date?
    var preprocessCalls = 0
    var generateCalls = 0

    init(id: String, voiceID: String, link: String?, separate: Bool, pitchShift: Int, now: Date) {
        self.id = id
        self.voiceID = voiceID
        self.link = link
        self.separate = separate
        self.pitchShift = pitchShift
        createdAt = now
        updatedAt = now
        statusSince = now
    }

    /// Moves to `status` at `time`.
    mutating func enter(_ status: Status, at time: Date) {
        self.status = status
        statusSince = time
        updatedAt = time
        if status == .done || status == .error { completedAt = time }
    }

    /// Walks the status forward to `now`, one stage per `stage` seconds, applying a pending failure
    /// at the first step and filling in duration and credits on reaching `preprocessed`.
    mutating func advance(to now: Date, stage: TimeInterval) {
        while let next = status.next, now.timeIntervalSince(statusSince) >= stage {
            // Preprocessing ends only once the input was measured (or found wanting).
            if status == .preprocessing && measuredDurationMs == nil && pendingFailure == nil { return }
            let time = statusSince.addingTimeInterval(stage)
            if let pendingFailure {
                failure = pendingFailure
                self.pendingFailure = nil
                enter(.error, at: time)
                return
            }
            if next == .preprocessed, let measuredDurationMs {
                inputDurationMs = measuredDurationMs
                requiredCredits = Self.credits(forMilliseconds: measuredDurationMs)
            }
            enter(next, at: time)
        }
    }

    /// The spec's billing rule: 10 credits per started minute, at least 10.
    static func credits(forMilliseconds milliseconds: Int64) -> Int64 {
        let minutes = (milliseconds + 59_999) / 60_000
        return max(10, 10 * minutes)
    }

    /// The `DubPrivate` JSON object.
    var node: JSONNode {
        .object([
            "id": .string(id),
            "voiceId": .string(voiceID),
            "link": .optional(link),
            "separate": .bool(separate),
            "status": .string(status.rawValue),
            "inputDuration": .optional(inputDurationMs),
            "inputSource": .string(link == nil ? "upload" : "link"),
            "pitchShift": .int(Int64(pitchShift)),
            "errorCode": .optional(failure?.code),
            "errorMessage": .optional(failure?.message),
            "apiCreditsUsed": .int(apiCreditsUsed),
            "apiCreditsLeft": .optional(apiCreditsLeft),
            "completedAt": .optional(completedAt.map(Timestamp.string)),
            "createdAt": .string(Timestamp.string(createdAt)),
            "updatedAt": .string(Timestamp.string(updatedAt)),
            "dubUrl": status == .done ? .optional(dubURL) : .null,
            "requiredCredits": .optional(requiredCredits),
        ])
    }
}

/// Timestamps as the API writes them: ISO 8601 with milliseconds, in UTC.
enum Timestamp {
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
