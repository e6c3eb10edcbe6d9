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
        let counterparts = pair(sourceSegments, dubbedSegments)
        var paired: [SyncReport.Segment] = []
        var unmatched = 0
        for (index, segment) in sourceSegments.enumerated() {
            guard let dubbed = counterparts[index] else {
                unmatched += 1
                continue
            }
            paired.append(SyncReport.Segment(
                sourceStartMs: segment.lowerBound * frameMs, sourceEndMs: segment.upperBound * frameMs,
                startOffsetMs: (dubbed.lowerBound - segment.lowerBound) * frameMs,
                endOffsetMs: (dubbed.upperBound - segment.upperBound) * frameMs))
        }
        let drift = paired.map { max(abs($0.startOffsetMs), abs($0.endOffsetMs)) }.max() ?? 0
        let lengthDifference = (dubbedLevels.count - sourceLevels.count) * frameMs
        return SyncReport(lengthDifferenceMs: lengthDifference, segments: paired, unmatchedSegments: unmatched,
                          maxDriftMs: drift, thresholdMs: thresholdMs,
                          flagged: drift > thresholdMs || abs(lengthDifference) > thresholdMs)
    }

    /// The dub's counterpart of each source segment: every dubbed segment goes to the source segment
    /// it overlaps most, and a source segment's counterpart spans all that went to it, so speech the
    /// dub splits at a pause the source does not have (a comma said a little slower) is still one
    /// segment. A source segment no dubbed segment went to has none.
    static func pair(_ source: [Range<Int>], _ dubbed: [Range<Int>]) -> [Int: Range<Int>] {
        var counterparts: [Int: Range<Int>] = [:]
        for segment in dubbed {
            // Segments are in order and apart: only those from the first that ends after this one starts can overlap it.
            var low = 0, high = source.count
            while low < high {
                let middle = (low + high) / 2
                if source[middle].upperBound <= segment.lowerBound { low = middle + 1 } else { high = middle }
            }
            var best: Int?
            var index = low
            while index < source.count && source[index].lowerBound < segment.upperBound {
                if overlap(source[index], segment) > best.map({ overlap(source[$0], segment) }) ?? 0 { best = index }
                index += 1
            }
            guard let best else { continue }
            let joined = counterparts[best].map { min($0.lowerBound, segment.lowerBound)..<max($0.upperBound, segment.upperBound) }
            counterparts[best] = joined ?? segment
        }
        return counterparts
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
