import Foundation

/// Something wrong with a dataset recording that would hurt a trained voice, with what to do.
public enum RecordingIssue: String, Sendable, Hashable, Codable, CaseIterable {
    case clipped, silent, quiet, noisy, mostlySilence, tooShort, tooLong

    /// Longer than this, a recording should be split (`dataset prepare` does it).
    public static let longestSeconds = 600.0
    /// Shorter than this, it holds too little speech to learn from.
    public static let shortestSeconds = 1.0

    /// The issues a file's figures show; none before it is analysed.
    public static func of(_ file: DatasetFile) -> [RecordingIssue] {
        var issues: [RecordingIssue] = []
        if file.durationSeconds > longestSeconds { issues.append(.tooLong) }
        if file.durationSeconds < shortestSeconds { issues.append(.tooShort) }
        guard file.analysed else { return issues }
        if (file.clippedSamples ?? 0) > 0 { issues.append(.clipped) }
        let speech = file.speechShare ?? 0
        if file.loudnessLUFS == nil || (file.peakDBFS ?? -200) < -60 {
            issues.append(.silent)
            return issues
        }
        if let loudness = file.loudnessLUFS, loudness < -40 { issues.append(.quiet) }
        if let snr = file.snrDB, snr < 15 { issues.append(.noisy) }
        if speech < 0.3 { issues.append(.mostlySilence) }
        return issues
    }

    /// What is wrong and what to do, after the issue's name.
    public var advice: String {
        switch self {
        case .clipped: "samples hit full scale; record again at a lower gain"
        case .silent: "no speech found; remove it"
        case .quiet: "below -40 LUFS; `dataset prepare` normalises it"
        case .noisy: "speech is less than 15 dB over the noise; record somewhere quieter"
        case .mostlySilence: "under 30% speech; `dataset prepare` trims the pauses"
        case .tooShort: "under 1 second"
        case .tooLong: "over 10 minutes; `dataset prepare` splits it at pauses"
        }
    }
}
