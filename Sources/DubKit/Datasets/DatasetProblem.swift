import Foundation

/// One rule a dataset breaks for a provider, with the file it concerns when it is about one file.
public struct DatasetProblem: Sendable, Hashable, Codable {
    /// `error` stops training before anything is uploaded or paid; `warning` is worth fixing.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var severity: Severity
    /// The file's name as added, nil for a rule about the whole dataset.
    public var file: String?
    /// A short stable name of the rule (`file-count`, `total-duration`, `silent`, …).
    public var rule: String
    /// What is wrong and what to do.
    public var message: String

    public init(_ severity: Severity, file: String? = nil, rule: String, message: String) {
        self.severity = severity
        self.file = file
        self.rule = rule
        self.message = message
    }

    /// `error: take3.wav: silent: no speech found; remove it`.
    public var line: String {
        "\(severity.rawValue): " + (file.map { "\($0): " } ?? "") + "\(rule): \(message)"
    }
}
