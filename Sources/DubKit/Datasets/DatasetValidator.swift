import Foundation

/// Checks a dataset against a provider's training rules and the recordings' own quality, before
/// anything is uploaded or paid.
public struct DatasetValidator: Sendable {
    public let descriptor: ProviderDescriptor
    /// The training minutes asked for (VoiceDub's maxMinutes); nil takes the provider's default.
    public let trainingMinutes: Int?

    public init(descriptor: ProviderDescriptor, trainingMinutes: Int? = nil) {
        self.descriptor = descriptor
        self.trainingMinutes = trainingMinutes
    }

    /// Every problem of `files`, dataset-wide rules first, then file by file in order.
    public func problems(_ files: [DatasetFile], dataset: String) -> [DatasetProblem] {
        let limits = descriptor.limits
        let provider = descriptor.id
        var problems: [DatasetProblem] = []
        guard descriptor.capabilities.contains(.train) else {
            return [DatasetProblem(.error, rule: "training", message: "\(provider) does not train custom voices")]
        }
        if let range = limits.datasetFiles, !range.contains(files.count) {
            problems.append(DatasetProblem(.error, rule: "file-count", message:
                "\(files.count) files; \(provider) takes \(range.lowerBound) to \(range.upperBound)"
                + (files.count > range.upperBound ? " (`dataset prepare --provider \(provider)` merges them)" : " (`dataset add` more)")))
        }
        let total = files.map(\.durationSeconds).reduce(0, +)
        if let range = limits.datasetSeconds, !range.contains(total) {
            // An upper bound of greatestFiniteMagnitude means the provider sets none.
            let needs = range.upperBound == .greatestFiniteMagnitude
                ? "at least \(Self.minutes(range.lowerBound))"
                : "\(Self.minutes(range.lowerBound)) to \(Self.minutes(range.upperBound))"
            problems.append(DatasetProblem(.error, rule: "total-duration", message:
                "\(Self.minutes(total)) of audio; \(provider) needs \(needs)"
                + (total < range.lowerBound ? " (`dataset add` more recordings)" : "")))
        }
        if let range = limits.trainingMinutes {
            let chosen = trainingMinutes ?? limits.defaultTrainingMinutes ?? range.upperBound
            if !range.contains(chosen) {
                problems.append(DatasetProblem(.error, rule: "max-minutes", message:
                    "--max-minutes \(chosen) is outside \(range.lowerBound)...\(range.upperBound)"))
            } else if total > Double(chosen * 60) {
                problems.append(DatasetProblem(.error, rule: "total-duration", message:
                    "\(Self.minutes(total)) of audio is more than the \(chosen) minutes asked for; raise --max-minutes"
                    + " (up to \(range.upperBound)) or `dataset prepare` with it"))
            }
        }
        for file in files {
            let name = file.originalName
            // Recordings are stored as WAV, which is what gets uploaded.
            if !limits.inputFormats.isEmpty && !limits.inputFormats.contains("wav") {
                problems.append(DatasetProblem(.error, file: name, rule: "format", message:
                    "\(provider) takes \(limits.inputFormats.joined(separator: ", ")), not WAV"))
            }
            for issue in RecordingIssue.of(file) {
                let severity: DatasetProblem.Severity = issue == .silent || issue == .tooShort ? .error : .warning
                problems.append(DatasetProblem(severity, file: name, rule: issue.rawValue, message: issue.advice))
            }
            if !file.analysed {
                problems.append(DatasetProblem(.warning, file: name, rule: "not-analysed",
                                               message: "no figures yet; `dataset show` measures it"))
            }
        }
        return problems
    }

    static func minutes(_ seconds: Double) -> String {
        seconds < 120 ? String(format: "%.1f s", seconds) : String(format: "%.1f min", seconds / 60)
    }
}
