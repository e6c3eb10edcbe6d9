import Foundation

/// The measuring loudnorm of a first loudness pass and the report it writes to FFmpeg's log; set on
/// ``AudioExtractionOptions`` by ``AudioProcessor/measureLoudness(of:targetLUFS:truePeak:stream:filters:)``.
final class LoudnormReport: @unchecked Sendable, Equatable {
    static func == (a: LoudnormReport, b: LoudnormReport) -> Bool { a === b }

    /// The target the pass measures against (it sets the reported offset).
    let targetLUFS: Double
    let truePeak: Double
    private let lock = NSLock()
    private var report = ""

    init(targetLUFS: Double, truePeak: Double) {
        self.targetLUFS = targetLUFS
        self.truePeak = truePeak
    }

    /// The loudnorm instance that measures, appended to the pass's filter chain.
    var graphDescription: String {
        "loudnorm=I=\(AudioFilter.number(targetLUFS)):TP=\(AudioFilter.number(truePeak)):LRA=\(AudioFilter.number(AudioFilter.loudnessRange)):print_format=json"
    }

    /// Keeps what the measuring filter logged.
    func record(_ text: String) {
        lock.withLock { report += text }
    }

    /// The measurement, once the pass has finished; nil when loudnorm reported nothing usable.
    var measurement: LoudnessMeasurement? {
        lock.withLock { LoudnessMeasurement(loudnormReport: report) }
    }
}
