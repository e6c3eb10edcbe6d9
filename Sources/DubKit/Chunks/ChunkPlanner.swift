import DubKitMedia
import Foundation

/// Decides whether a dub's input is sent whole or in chunks, and where to cut it: in pauses
/// (silence found in the 10 ms energy envelope), never mid-word when a pause is within reach.
public enum ChunkPlanner {
    /// The envelope's frame, in milliseconds; cuts fall on frame boundaries.
    public static let frameMs: Int64 = 10
    /// How far a chunk reaches past each cut on either side: the results are crossfaded over twice this.
    public static let overlapMs: Int64 = 20
    /// The shortest quiet stretch that counts as a pause to cut in.
    public static let minimumPauseMs: Int64 = 200
    /// The shortest chunk length that can be asked for.
    public static let minimumChunkSeconds = 1.0

    /// A pause of the envelope: its frames, and those far enough from its edges that the crossfade
    /// around a cut there stays in the pause.
    struct Pause: Sendable, Hashable {
        var frames: Range<Int>
        var inside: Range<Int>
    }

    /// The longest chunk, in seconds, a provider with `limits` takes (nil: no limit): its duration
    /// limit, and its file-size limit read through the byte rate of the WAV the input is stored as,
    /// each less a safety margin (0.5%, at least a second); and `chunkSeconds` when the user asked.
    public static func limitSeconds(_ limits: ProviderLimits, bytesPerSecond: Int, chunkSeconds: Double?) -> Double? {
        func margin(_ seconds: Double) -> Double { seconds - max(1, seconds * 0.005) }
        var candidates: [Double] = []
        if let chunkSeconds { candidates.append(chunkSeconds) }
        if let seconds = limits.maxDurationSeconds { candidates.append(margin(seconds)) }
        if let bytes = limits.maxFileBytes, bytesPerSecond > 0 {
            candidates.append(margin(Double(bytes - 44) / Double(bytesPerSecond)))
        }
        return candidates.min()
    }

    /// Cuts `totalMs` of audio whose 10 ms levels (dB) are `levels` into chunks no longer than
    /// `maxChunkMs` (overlaps included). Greedy: each chunk ends in the latest pause that keeps it within
    /// the limit; with no pause in reach, at the quietest frame of the window's second half. A source
    /// that fits is one chunk.
    public static func plan(levels: [Float], totalMs: Int64, maxChunkMs: Int64) throws(DubKitError) -> [ChunkSpan] {
        guard maxChunkMs >= Int64(minimumChunkSeconds * 1000) else {
            throw .invalidField(field: "chunk length", value: "\(maxChunkMs) ms", allowed: "at least \(Int(minimumChunkSeconds)) s")
        }
        guard totalMs > maxChunkMs else { return [ChunkSpan(index: 0, startMs: 0, endMs: max(totalMs, 0))] }
        let quiet = pauses(levels)
        var spans: [ChunkSpan] = []
        var cut: Int64 = 0
        while true {
            let start = spans.isEmpty ? 0 : cut - overlapMs
            if totalMs - start <= maxChunkMs {
                spans.append(ChunkSpan(index: spans.count, startMs: start, endMs: totalMs))
                return spans
            }
            // The latest cut that keeps this chunk (and its overlap past the cut) within the limit,
            // and the earliest that leaves it longer than its overlaps.
            let latest = (start + maxChunkMs - overlapMs) / frameMs * frameMs
            let earliest = cut + 2 * overlapMs
            // Frames a cut may fall on: after `earliest`, up to `latest`.
            let window = Int(earliest / frameMs + 1)..<Int(latest / frameMs + 1)
            let next: Int64
            if let pause = quiet.last(where: { $0.inside.overlaps(window) }) {
                // The latest pause within reach, cut at its quietest frame there (a long pause, at its latest reachable).
                next = quietestFrame(levels, in: pause.inside.clamped(to: window))
            } else {
                next = quietestFrame(levels, in: Int(((cut + latest) / 2 + frameMs - 1) / frameMs)..<window.upperBound)
            }
            spans.append(ChunkSpan(index: spans.count, startMs: start, endMs: next + overlapMs))
            cut = next
        }
    }

    /// The pauses of an envelope: runs of at least ``minimumPauseMs`` under the speech threshold
    /// (``AudioAnalyzer/speechThreshold(_:)``, as the sync report finds segments).
    static func pauses(_ levels: [Float]) -> [Pause] {
        let threshold = Float(AudioAnalyzer.speechThreshold(levels))
        let minimumFrames = Int(minimumPauseMs / frameMs)
        let margin = Int(overlapMs / frameMs) + 1
        var result: [Pause] = []
        var runStart: Int?
        for index in 0...levels.count {
            if index < levels.count && levels[index] <= threshold {
                if runStart == nil { runStart = index }
                continue
            }
            guard let first = runStart else { continue }
            runStart = nil
            guard index - first >= minimumFrames else { continue }
            if first + margin < index - margin {
                result.append(Pause(frames: first..<index, inside: (first + margin)..<(index - margin)))
            }
        }
        return result
    }

    /// The start (ms) of the quietest frame of `frames` (the latest of equally quiet ones, so a chunk
    /// is as long as it may be); past the envelope's end, the last frame asked for.
    static func quietestFrame(_ levels: [Float], in frames: Range<Int>) -> Int64 {
        var best: Int?
        for index in frames where index < levels.count {
            if let current = best, levels[index] > levels[current] { continue }
            best = index
        }
        return Int64(best ?? max(frames.upperBound - 1, 0)) * frameMs
    }

    /// What converting `seconds` of input costs with `provider`, cut into chunks as a dub's upload would
    /// cut it (`chunkSeconds` as `dub create --chunk`; `channels` of the 44.1 kHz WAV it is stored as),
    /// each chunk billed on its own; and how many chunks that is.
    public static func estimate(seconds: Double, channels: Int, provider: ProviderDescriptor,
                                chunkSeconds: Double?) -> (credits: Int64, chunks: Int) {
        let limit = limitSeconds(provider.limits, bytesPerSecond: 44_100 * 2 * min(max(channels, 1), 2), chunkSeconds: chunkSeconds)
        let chunks = estimatedChunks(totalSeconds: seconds, limitSeconds: limit)
        return (chunks.map { provider.billing.credits(forSeconds: $0) }.reduce(0, +), chunks.count)
    }

    /// The lengths, in seconds, the chunks of a `totalSeconds` source cut at `limitSeconds` would
    /// about have (the planned cuts land in pauses a little before each limit): for estimates before
    /// the source is analysed.
    public static func estimatedChunks(totalSeconds: Double, limitSeconds: Double?) -> [Double] {
        guard let limit = limitSeconds, limit >= minimumChunkSeconds, totalSeconds > limit else { return [totalSeconds] }
        let overlap = Double(overlapMs) / 1000
        var chunks: [Double] = []
        var start = 0.0
        while totalSeconds - start > limit {
            chunks.append(limit)
            start += limit - 2 * overlap
        }
        chunks.append(totalSeconds - start)
        return chunks
    }
}
