import DubKitMedia
import Foundation

/// Compares a dubbed track with its source by their energy envelopes (10 ms frames): speech
/// segments are found between pauses in each, paired in order, and their boundaries compared.
public enum SyncAnalyzer {
    /// Drift above this is flagged.
    public static let defaultThresholdMs = 100
    static let frameMs = 10
    /// Silences at least this long separate segments.
    static let pauseMs = 200

    /// The report for `dubbed` against `source` (any media files with audio).
    public static func compare(source: URL, dubbed: URL, thresholdMs: Int = defaultThresholdMs) throws -> SyncReport {
        let sourceLevels = try envelope(source)
        let dubbedLevels = try envelope(dubbed)
        let sourceSegments = segments(sourceLevels)
        let dubbedSegments = segments(dubbedLevels)
        var paired: [SyncReport.Segment] = []
        var used = Set<Int>()
        var unmatched = 0
        for segment in sourceSegments {
            // The dub's segment that overlaps this one most, not taken yet.
            let candidates = dubbedSegments.enumerated().filter { !used.contains($0.offset) }
            let best = candidates.max { overlap($0.element, segment) < overlap($1.element, segment) }
            guard let best, overlap(best.element, segment) > 0 else {
                unmatched += 1
                continue
            }
            used.insert(best.offset)
            paired.append(SyncReport.Segment(
                sourceStartMs: segment.lowerBound * frameMs, sourceEndMs: segment.upperBound * frameMs,
                startOffsetMs: (best.element.lowerBound - segment.lowerBound) * frameMs,
                endOffsetMs: (best.element.upperBound - segment.upperBound) * frameMs))
        }
        let drift = paired.map { max(abs($0.startOffsetMs), abs($0.endOffsetMs)) }.max() ?? 0
        let lengthDifference = (dubbedLevels.count - sourceLevels.count) * frameMs
        return SyncReport(lengthDifferenceMs: lengthDifference, segments: paired, unmatchedSegments: unmatched,
                          maxDriftMs: drift, thresholdMs: thresholdMs,
                          flagged: drift > thresholdMs || abs(lengthDifference) > thresholdMs)
    }

    static func overlap(_ a: Range<Int>, _ b: Range<Int>) -> Int {
        max(0, min(a.upperBound, b.upperBound) - max(a.lowerBound, b.lowerBound))
    }

    /// 10 ms mean-square levels in dB, mono, at 16 kHz (enough for speech envelopes, and cheaper to scan).
    /// A WAV is read as plain PCM: looking through it for a hidden DTS stream cost more than the envelope.
    static func envelope(_ url: URL) throws -> [Float] {
        try AudioAnalyzer.frameLevels(url, sampleRate: 16_000, frameSeconds: Double(frameMs) / 1000, plainPCM: true)
    }

    /// Runs of speech frames, split by pauses of at least ``pauseMs``.
    static func segments(_ levels: [Float]) -> [Range<Int>] {
        let threshold = Float(AudioAnalyzer.speechThreshold(levels))
        let minimumPause = pauseMs / frameMs
        var result: [Range<Int>] = []
        var start: Int?
        var lastSpeech = 0
        for (index, level) in levels.enumerated() where level > threshold {
            if let open = start, index - lastSpeech > minimumPause {
                result.append(open..<(lastSpeech + 1))
                start = index
            } else if start == nil {
                start = index
            }
            lastSpeech = index
        }
        if let open = start { result.append(open..<(lastSpeech + 1)) }
        // Clicks are not speech.
        return result.filter { $0.count * frameMs >= 60 }
    }
}
