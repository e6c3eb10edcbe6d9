import Foundation

/// What a claim is on: a dub (a chunk of a long dub is a dub of its own) or a voice's training.
public enum ClaimSubject: Sendable, Hashable {
    case dub(Int64)
    case voice(Int64)

    /// The table its row is in.
    var table: String {
        switch self {
        case .dub: "dub"
        case .voice: "voice"
        }
    }

    /// The row's id.
    public var id: Int64 {
        switch self {
        case let .dub(id), let .voice(id): id
        }
    }

    /// The kind of entity, as events and errors name it.
    public var entity: EntityKind {
        switch self {
        case .dub: .dub
        case .voice: .voice
        }
    }
}

/// A claim this process holds: only its holder advances the subject, and every write it makes is
/// conditional on ``fence``, which any later claim raises.
public struct Claim: Sendable, Hashable {
    /// What is claimed.
    public let subject: ClaimSubject
    /// The fence number this claim was taken with.
    public let fence: Int64
    /// The holder: this process.
    public let runner: RunnerIdentity
    /// How long the lease lasts after each renewal, in seconds.
    public let leaseSeconds: Double

    public init(subject: ClaimSubject, fence: Int64, runner: RunnerIdentity, leaseSeconds: Double) {
        self.subject = subject
        self.fence = fence
        self.runner = runner
        self.leaseSeconds = leaseSeconds
    }

    /// The end of a lease renewed now, in milliseconds since 1970.
    func leaseEnd(from now: Date = Date()) -> Int64 {
        Int64((now.timeIntervalSince1970 + leaseSeconds) * 1000)
    }
}

/// Who holds a subject's claim, as the store records it.
public struct ClaimHolder: Sendable, Hashable, Codable {
    /// The process holding it.
    public var runner: RunnerIdentity
    /// When its lease ends unless renewed.
    public var leaseUntil: Date
    /// The fence number it was taken with.
    public var fence: Int64

    public init(runner: RunnerIdentity, leaseUntil: Date, fence: Int64) {
        self.runner = runner
        self.leaseUntil = leaseUntil
        self.fence = fence
    }

    /// True while the holder may still be working: its lease has not run out and it is not known to be
    /// gone (a process of this machine that no longer runs frees its claims at once).
    public func isLive(at now: Date = Date()) -> Bool {
        leaseUntil > now && !runner.isGoneFromThisHost
    }

    /// How it is shown: `host pid 123 (lease until 09:31:02)`.
    public var description: String {
        "\(runner.description) (lease until \(Self.clock.string(from: leaseUntil)))"
    }

    private static let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()
}

/// How long a claim's lease lasts: 60 s unless `DUBKIT_LEASE_SECONDS` or `--lease` says otherwise. The
/// holder renews it a third of the way through, so a runner paused or cut off for longer than the
/// lease loses its claims and another runner may take them over.
public enum LeaseSettings {
    /// The lease when nothing sets one.
    public static let defaultSeconds: Double = 60
    /// The shortest lease accepted.
    public static let minimumSeconds: Double = 0.5

    /// The lease from `DUBKIT_LEASE_SECONDS` (when set), else the default; throws when the variable
    /// is not a number of seconds of at least ``minimumSeconds``.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(DubKitError) -> Double {
        guard let text = environment["DUBKIT_LEASE_SECONDS"] else { return defaultSeconds }
        return try parse(text, field: "DUBKIT_LEASE_SECONDS")
    }

    /// A lease given as text by the user (`--lease`, the environment).
    public static func parse(_ text: String, field: String) throws(DubKitError) -> Double {
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= minimumSeconds else {
            throw .invalidField(field: field, value: text, allowed: "a number of seconds, at least \(minimumSeconds)")
        }
        return seconds
    }
}
