import Foundation

/// One custom voice the fake keeps (POST /v1/me/voices): its training files and its status walk
/// new → (clone) queued → starting → processing → finalizing → done, one stage duration each.
struct FakeCustomVoice: Sendable {
    /// The spec's `VoicePrivate.status` enum.
    enum Status: String, Sendable {
        case new, queued, starting, processing, finalizing, done, error

        var next: Status? {
            switch self {
            case .queued: .starting
            case .starting: .processing
            case .processing: .finalizing
            case .finalizing: .done
            case .new, .done, .error: nil
            }
        }
    }

    let id: String
    let name: String
    let numberOfFiles: Int
    let maxMinutes: Int
    let separate: Bool
    let createdAt: Date
    var status: Status = .new
    var updatedAt: Date
    var statusSince: Date
    /// Uploaded training files by their index in `uploadUrls`.
    var files: [Int: URL] = [:]
    var apiCreditsUsed: Int64 = 0
    var apiCreditsLeft: Int64?
    var failure: FakeDub.Failure?
    var pendingFailure: FakeDub.Failure?
    var completedAt: Date?
    var cloneCalls = 0

    init(id: String, name: String, numberOfFiles: Int, maxMinutes: Int, separate: Bool, now: Date) {
        self.id = id
        self.name = name
        self.numberOfFiles = numberOfFiles
        self.maxMinutes = maxMinutes
        self.separate = separate
        createdAt = now
        updatedAt = now
        statusSince = now
    }

    /// The spec's rule: training costs 10 credits per maxMinute.
    var requiredCredits: Int64 { 10 * Int64(maxMinutes) }

    mutating func enter(_ status: Status, at time: Date) {
        self.status = status
        statusSince = time
        updatedAt = time
        if status == .done || status == .error { completedAt = time }
    }

    /// Walks the status forward to `now`, applying a pending failure at the first step.
    mutating func advance(to now: Date, stage: TimeInterval) {
        while let next = status.next, now.timeIntervalSince(statusSince) >= stage {
            let time = statusSince.addingTimeInterval(stage)
            if let pendingFailure {
                failure = pendingFailure
                self.pendingFailure = nil
                enter(.error, at: time)
                return
            }
            enter(next, at: time)
        }
    }

    /// The `VoicePrivate` JSON object.
    var node: JSONNode {
        .object([
            "id": .string(id),
            "name": .string(name),
            "status": .string(status.rawValue),
            "separate": .bool(separate),
            "maxMinutes": .int(Int64(maxMinutes)),
            "errorCode": .optional(failure?.code),
            "errorMessage": .optional(failure?.message),
            "apiCreditsUsed": .int(apiCreditsUsed),
            "apiCreditsLeft": .optional(apiCreditsLeft),
            "completedAt": .optional(completedAt.map(Timestamp.string)),
            "createdAt": .string(Timestamp.string(createdAt)),
            "updatedAt": .string(Timestamp.string(updatedAt)),
            "requiredCredits": .int(requiredCredits),
        ])
    }
}
