import Foundation

/// Joins audio files end to end into one 16-bit WAV, each one's start crossfaded (linearly) with the
/// previous one's end where they overlap: how the results of a long dub's chunks become one track.
/// It streams: memory holds a block and the overlaps, whatever the files' lengths.
public enum AudioJoiner {
    /// What was written.
    public struct Result: Sendable, Hashable {
        /// Sample frames in the joined file.
        public var frames: Int64
        public var sampleRate: Int
        public var channels: Int

        /// The joined length in seconds.
        public var durationSeconds: Double { Double(frames) / Double(sampleRate) }
    }

    /// Writes `parts` (any audio files, decoded and resampled to `sampleRate`) to `output` as a WAV
    /// with the first part's channels. `overlaps[k]` is the number of samples the end of part `k` and
    /// the start of part `k + 1` have in common: they are crossfaded, so the joined length is the sum
    /// of the parts' less the overlaps. A part shorter than its overlaps is crossfaded as far as it reaches.
    @discardableResult
    public static func join(_ parts: [URL], overlaps: [Int], sampleRate: Int, to output: URL) throws -> Result {
        guard let first = parts.first else {
            throw MediaError.unsupportedOutput(path: output.path, reason: "nothing to join")
        }
        guard overlaps.count == parts.count - 1, overlaps.allSatisfy({ $0 >= 0 }) else {
            throw MediaError.unsupportedOutput(path: output.path,
                                               reason: "\(parts.count) parts need \(parts.count - 1) overlaps of 0 or more samples")
        }
        let channels = try AudioSampleReader(first, sampleRate: sampleRate).channels
        let writer = try PCMWAVWriter(output, sampleRate: sampleRate, channels: channels)
        var frames: Int64 = 0
        // The end of the previous part, held back to be crossfaded with the start of the next.
        var tail: [[Float]] = Array(repeating: [], count: channels)
        for (index, part) in parts.enumerated() {
            let reader = try AudioSampleReader(part, sampleRate: sampleRate)
            let keep = index < overlaps.count ? overlaps[index] : 0
            let fade = index > 0 ? min(overlaps[index - 1], tail[0].count) : 0
            var pending: [[Float]] = Array(repeating: [], count: channels)
            var position = 0
            while true {
                var block = adapt(try reader.read(), to: channels)
                let count = block[0].count
                if count == 0 { break }
                // The first `fade` samples of this part rise as the previous part's end falls.
                if position < fade {
                    let upTo = min(fade, position + count)
                    for channel in 0..<channels {
                        block[channel].withUnsafeMutableBufferPointer { samples in
                            for at in position..<upTo {
                                let rise = (Float(at) + 0.5) / Float(fade)
                                samples[at - position] = samples[at - position] * rise + tail[channel][at] * (1 - rise)
                            }
                        }
                    }
                }
                position += count
                for channel in 0..<channels { pending[channel].append(contentsOf: block[channel]) }
                if pending[0].count > keep {
                    let ready = pending[0].count - keep
                    try writer.write(interleave(pending, count: ready))
                    frames += Int64(ready)
                    for channel in 0..<channels { pending[channel].removeFirst(ready) }
                }
            }
            if index == parts.count - 1 {
                try writer.write(interleave(pending, count: pending[0].count))
                frames += Int64(pending[0].count)
            } else {
                tail = pending
            }
        }
        try writer.finish()
        return Result(frames: frames, sampleRate: sampleRate, channels: channels)
    }

    /// A block brought to `channels`: mono spread to every channel, several mixed down to mono, else
    /// channel by channel (missing ones repeat the last).
    static func adapt(_ planes: [[Float]], to channels: Int) -> [[Float]] {
        guard planes.count != channels, let firstPlane = planes.first else {
            return planes.isEmpty ? Array(repeating: [], count: channels) : planes
        }
        if channels == 1 {
            var mono = [Float](repeating: 0, count: firstPlane.count)
            for plane in planes {
                for index in 0..<mono.count { mono[index] += plane[index] }
            }
            let scale = 1 / Float(planes.count)
            return [mono.map { $0 * scale }]
        }
        return (0..<channels).map { planes[min($0, planes.count - 1)] }
    }

    /// The first `count` samples of each plane, interleaved.
    static func interleave(_ planes: [[Float]], count: Int) -> [Float] {
        if planes.count == 1 { return Array(planes[0].prefix(count)) }
        var out = [Float](repeating: 0, count: count * planes.count)
        for (channel, plane) in planes.enumerated() {
            for index in 0..<count { out[index * planes.count + channel] = plane[index] }
        }
        return out
    }
}
