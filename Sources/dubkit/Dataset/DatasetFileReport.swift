import DubKit
import Foundation

/// A dataset file with its figures and the issues they show, for `dataset add` and `dataset show`.
struct DatasetFileReport: Encodable {
    var file: DatasetFile
    var issues: [RecordingIssue]
    /// For `dataset add`: the dataset already held this audio (nil elsewhere).
    var alreadyPresent: Bool?

    init(_ file: DatasetFile, alreadyPresent: Bool? = nil) {
        self.file = file
        issues = RecordingIssue.of(file)
        self.alreadyPresent = alreadyPresent
    }

    func encode(to encoder: any Encoder) throws {
        try file.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(issues, forKey: .issues)
        try container.encodeIfPresent(alreadyPresent, forKey: .alreadyPresent)
    }

    enum Keys: String, CodingKey { case issues, alreadyPresent }

    static let header = ["FILE", "DURATION", "RATE", "CH", "LOUDNESS", "PEAK", "CLIPPED", "SPEECH", "SNR", "ISSUES"]

    /// The table row: figures rounded for reading, "-" where there is none.
    var row: [String] {
        func figure(_ value: Double?, _ unit: String) -> String { value.map { String(format: "%.1f%@", $0, unit) } ?? "-" }
        return [file.originalName, Duration.text(file.durationSeconds), String(file.sampleRate), String(file.channels),
                figure(file.loudnessLUFS, " LUFS"), figure(file.peakDBFS, " dB"), file.clippedSamples.map(String.init) ?? "-",
                file.speechShare.map { String(format: "%.0f%%", $0 * 100) } ?? "-", figure(file.snrDB, " dB"),
                issues.isEmpty ? "ok" : issues.map(\.rawValue).joined(separator: ",")]
    }

    /// Prints the table and, under it, one line of advice per file with issues.
    static func print(_ reports: [DatasetFileReport], empty: String) {
        Output.table(header, reports.map(\.row), empty: empty)
        for report in reports where !report.issues.isEmpty {
            for issue in report.issues { Swift.print("\(report.file.originalName): \(issue.rawValue): \(issue.advice)") }
        }
    }
}
