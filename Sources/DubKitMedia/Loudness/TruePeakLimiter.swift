import Foundation

/// Applies a gain and holds the true peak (4x oversampled, as ``TruePeakFilter`` reads it) under a
/// ceiling, streaming: each sample's needed reduction is looked for `lookahead` ahead, the gain
/// glides down over that time (a moving average of the held minimum, so it is never above what any
/// sample in reach needs) and comes back up with a smooth release. All channels share one gain, so
/// the stereo image stays put. Output is delayed by the look-ahead; ``finish(_:)`` delivers the rest.
///
/// Quiet stretches cost almost nothing: a block whose samples cannot reach the ceiling (even between
/// samples) needs no oversampling, and where no reduction is in reach the samples pass as they are.
final class TruePeakLimiter {
    let channels: Int
    /// The ceiling the oversampled peaks are held under, linear.
    let ceiling: Float
    /// The gain applied before limiting, linear.
    let gain: Float
    /// Samples of look-ahead (and of the gain's glide down).
    let window: Int
    /// How far the release closes the gap to the wanted gain per sample.
    private let releaseStep: Double

    /// Gained samples per channel; element 0 is absolute sample `base`.
    private var samples: [[Float]]
    /// The gain each sample allows (1 = untouched), same indexing; known up to `allowedEnd`.
    private var allowed: [Float]
    private var base: Int
    private var inputEnd = 0
    private var allowedEnd = 0
    private var nextOutput = 0
    /// The gain of the last sample out, after the release.
    private var released: Double = 1
    /// Real samples taken (``finish(_:)`` pads with silence past them).
    private var taken = 0

    /// Samples whose gain was reduced.
    private(set) var limitedSamples = 0
    /// The deepest reduction applied, dB (0 when none).
    var deepestReduction: Double { 20 * log10(lowestGain) }
    /// The lowest gain the limiter applied, linear.
    private var lowestGain = 1.0

    /// A limiter at `sampleRate` for `channels` channels applying `gainDecibels` and holding true
    /// peaks under `ceilingDecibels` dBTP.
    init(sampleRate: Int, channels: Int, gainDecibels: Double, ceilingDecibels: Double,
         lookahead: Double = 0.005, release: Double = 0.06) {
        self.channels = max(channels, 1)
        ceiling = Float(pow(10, ceilingDecibels / 20))
        gain = Float(pow(10, gainDecibels / 20))
        window = max(8, Int((lookahead * Double(sampleRate)).rounded()))
        releaseStep = 1 - exp(-1 / (release * Double(max(sampleRate, 1))))
        // Silence before the start: the filter's history and the window's reach back.
        let lead = window + TruePeakFilter.history
        base = -lead
        samples = Array(repeating: Array(repeating: 0, count: lead), count: self.channels)
        allowed = Array(repeating: 1, count: lead - TruePeakFilter.delay)
        allowedEnd = -TruePeakFilter.delay
        for channel in 0..<self.channels { samples[channel].reserveCapacity(lead + 8192) }
    }

    /// Takes `count` samples of each channel and hands what is ready (planar, possibly nothing) to `output`.
    func process(_ planes: [UnsafePointer<Float>], count: Int,
                 output: ([UnsafeBufferPointer<Float>]) throws -> Void) rethrows {
        guard count > 0 else { return }
        let scale = gain
        for channel in 0..<channels {
            let source = planes[min(channel, planes.count - 1)]
            let start = samples[channel].count
            samples[channel].append(contentsOf: repeatElement(0, count: count))
            samples[channel].withUnsafeMutableBufferPointer { buffer in
                for index in 0..<count { buffer[start + index] = source[index] * scale }
            }
        }
        inputEnd += count
        taken += count
        try advance(upTo: inputEnd, output: output)
    }

    /// Delivers the samples still held back.
    func finish(_ output: ([UnsafeBufferPointer<Float>]) throws -> Void) rethrows {
        let end = taken
        let padding = window + TruePeakFilter.history + 8
        for channel in 0..<channels { samples[channel].append(contentsOf: repeatElement(0, count: padding)) }
        inputEnd += padding
        try advance(upTo: end, output: output)
    }

    /// Works out the allowed gains the new samples make known and outputs every sample whose
    /// look-ahead is complete, up to `limit`.
    private func advance(upTo limit: Int, output: ([UnsafeBufferPointer<Float>]) throws -> Void) rethrows {
        computeAllowed()
        let ready = min(allowedEnd - window + 1, limit)
        let chunk = 2048
        var gains = [Float](repeating: 1, count: chunk)
        while nextOutput < ready {
            let first = nextOutput
            let count = min(chunk, ready - first)
            let start = first - base
            let settled = released == 1 && minimumAllowed(from: first - window + 1, to: first + count + window - 1) >= 1
            if !settled {
                // Applied in place: the allowed gains still to be worked out read samples from
                // `allowedEnd - 5` on, past every sample that is output here.
                glide(first: first, count: count, into: &gains)
                for channel in 0..<channels {
                    samples[channel].withUnsafeMutableBufferPointer { buffer in
                        for index in 0..<count { buffer[start + index] *= gains[index] }
                    }
                }
            }
            try deliver(from: start, count: count, output)
            nextOutput += count
        }
        trim()
    }

    /// Hands `count` samples of each channel from buffer index `start` to `output`.
    private func deliver(from start: Int, count: Int, _ output: ([UnsafeBufferPointer<Float>]) throws -> Void) rethrows {
        var buffers: [UnsafeBufferPointer<Float>] = []
        func next(_ channel: Int) throws {
            guard channel < samples.count else {
                try output(buffers)
                return
            }
            try samples[channel].withUnsafeBufferPointer { buffer in
                buffers.append(UnsafeBufferPointer(rebasing: buffer[start..<(start + count)]))
                try next(channel + 1)
            }
        }
        try next(0)
    }

    /// The allowed gain of every sample whose oversampled neighbourhood is now known.
    private func computeAllowed() {
        let end = inputEnd - TruePeakFilter.delay
        guard end > allowedEnd else { return }
        let reach = TruePeakFilter.history - TruePeakFilter.delay  // inputs before a sample its points read
        let segment = 256
        var peaks = [Float](repeating: 0, count: segment)
        var widest = [Float](repeating: 0, count: segment)
        allowed.reserveCapacity(end - base)
        var start = allowedEnd
        while start < end {
            let count = min(segment, end - start)
            // The inputs this segment's points read: from `reach` before it to `delay` after it.
            var loudest: Float = 0
            for channel in 0..<channels {
                samples[channel].withUnsafeBufferPointer { buffer in
                    if let pointer = buffer.baseAddress {
                        loudest = max(loudest, TruePeakFilter.largest(
                            pointer + (start - reach - base), count: count + reach + TruePeakFilter.delay))
                    }
                }
            }
            if loudest * TruePeakFilter.bound <= ceiling {
                allowed.append(contentsOf: repeatElement(1, count: count))
            } else {
                for index in 0..<count { widest[index] = 0 }
                for channel in 0..<channels {
                    samples[channel].withUnsafeBufferPointer { buffer in
                        guard let pointer = buffer.baseAddress else { return }
                        // Points computed at input i + delay lie just after sample i; the sample itself counts too.
                        let at = pointer + (start - base)
                        peaks.withUnsafeMutableBufferPointer { out in
                            guard let result = out.baseAddress else { return }
                            TruePeakFilter.peaks(at + TruePeakFilter.delay, count: count, into: result)
                        }
                        for index in 0..<count { widest[index] = max(widest[index], peaks[index], abs(at[index])) }
                    }
                }
                allowed.append(contentsOf: widest[0..<count].map { $0 > ceiling ? ceiling / $0 : 1 })
            }
            start += count
        }
        allowedEnd = end
    }

    /// The smallest allowed gain of absolute samples `from..<to`.
    private func minimumAllowed(from: Int, to: Int) -> Float {
        allowed.withUnsafeBufferPointer { buffer in
            guard let pointer = buffer.baseAddress else { return 1 }
            let start = max(from - base, 0)
            let end = min(to - base, buffer.count)
            guard end > start else { return 1 }
            // Reductions are below 1: the smallest is 1 minus the largest shortfall.
            var index = start
            var wide = SIMD8<Float>(repeating: 1)
            while index + 8 <= end {
                let values = UnsafeRawPointer(pointer + index).loadUnaligned(as: SIMD8<Float>.self)
                wide.replace(with: values, where: values .< wide)
                index += 8
            }
            var result = wide.min()
            while index < end {
                result = min(result, pointer[index])
                index += 1
            }
            return result
        }
    }

    /// The gains of samples `first..<first + count`: the minimum allowed within `window` ahead,
    /// averaged over the `window` before (so the gain glides down in time and never exceeds what a
    /// sample in reach allows), then released smoothly.
    private func glide(first: Int, count: Int, into gains: inout [Float]) {
        // held[k] = min(allowed[k ..< k + window]) for k in first - window + 1 ..< first + count, by
        // van Herk and Gil-Werman: minima running forward and backward within blocks of `window`.
        let from = first - window + 1
        let heldCount = count + window - 1
        let span = heldCount + window - 1
        var forward = [Float](repeating: 1, count: span)
        var backward = [Float](repeating: 1, count: span)
        var held = [Float](repeating: 1, count: heldCount)
        allowed.withUnsafeBufferPointer { values in
            let offset = from - base
            var index = 0
            while index < span {
                let end = min(index + window, span)
                var running: Float = 1
                for at in index..<end {
                    running = min(running, values[offset + at])
                    forward[at] = running
                }
                running = 1
                var at = end - 1
                while at >= index {
                    running = min(running, values[offset + at])
                    backward[at] = running
                    at -= 1
                }
                index = end
            }
        }
        for k in 0..<heldCount { held[k] = min(backward[k], forward[k + window - 1]) }
        var sum = 0.0
        for index in 0..<window { sum += Double(held[index]) }
        let step = releaseStep
        var current = released
        for index in 0..<count {
            if index > 0 { sum += Double(held[index + window - 1]) - Double(held[index - 1]) }
            let wanted = min(sum / Double(window), 1)
            current = wanted < current ? wanted : current + (wanted - current) * step
            if current > 0.999_999 { current = 1 }
            gains[index] = Float(current)
            if current < 1 {
                limitedSamples += 1
                lowestGain = min(lowestGain, current)
            }
        }
        released = current
    }

    /// Drops samples and gains no longer needed: what is kept reaches `window` before the next output.
    private func trim() {
        let keepFrom = nextOutput - window + 1 - TruePeakFilter.history
        let drop = keepFrom - base
        guard drop > 4096 else { return }
        for channel in 0..<channels { samples[channel].removeFirst(drop) }
        allowed.removeFirst(min(drop, allowed.count))
        base += drop
    }
}
