import Foundation

/// Loudness after ITU-R BS.1770-4 and EBU R128, in one pass at the audio's own rate: K-weighting,
/// mean square over 400 ms blocks every 100 ms, an absolute gate at -70 LUFS and a relative gate
/// 10 LU below the absolutely gated mean (integrated loudness); short-term (3 s) loudness for the
/// loudness range (EBU Tech 3342); and the true peak (4x oversampled, annex 2).
///
/// Memory grows by one number per 100 ms (the blocks' mean squares), never with the samples.
public struct LoudnessMeter: Sendable {
    /// One biquad's coefficients (a0 = 1).
    private struct Biquad: Sendable {
        var b0: Double, b1: Double, b2: Double, a1: Double, a2: Double
    }

    /// Filter state of one channel: the shelf's two delays, then the high-pass's.
    private struct ChannelState: Sendable {
        var s1 = 0.0, s2 = 0.0, h1 = 0.0, h2 = 0.0
    }

    public let sampleRate: Int
    public let channels: Int
    private let shelf: Biquad
    private let highPass: Biquad
    private let weights: [Double]
    private var states: [ChannelState]
    private let subBlockLength: Int
    private var subBlockFill = 0
    private var subBlockSum = 0.0
    /// K-weighted, channel-weighted sums of squares of each whole 100 ms part.
    private var subBlocks: [Double] = []
    /// Each channel's last samples, which the next block's oversampled points need.
    private var peakHistory: [[Float]]
    private var truePeakLinear: Float = 0
    private var samplePeakLinear: Float = 0
    /// Samples (per channel) taken so far.
    public private(set) var sampleCount = 0

    /// A meter for `channels` channels at `sampleRate`. Channels are weighted as BS.1770-4 says for
    /// FFmpeg's default layouts: 1 each, but none for the LFE and 1.41 for the surrounds of 5.1 and 7.1.
    public init(sampleRate: Int, channels: Int) {
        self.sampleRate = max(sampleRate, 1)
        self.channels = max(channels, 1)
        let fs = Double(self.sampleRate)
        // The pre-filter (a high shelf) and the RLB high-pass, designed for this rate (as libebur128 does).
        var k = tan(Double.pi * 1681.974450955533 / fs)
        let q = 0.7071752369554196
        let vh = pow(10, 3.999843853973347 / 20)
        let vb = pow(vh, 0.4996667741545416)
        var a0 = 1 + k / q + k * k
        shelf = Biquad(b0: (vh + vb * k / q + k * k) / a0, b1: 2 * (k * k - vh) / a0, b2: (vh - vb * k / q + k * k) / a0,
                       a1: 2 * (k * k - 1) / a0, a2: (1 - k / q + k * k) / a0)
        k = tan(Double.pi * 38.13547087602444 / fs)
        let q2 = 0.5003270373238773
        a0 = 1 + k / q2 + k * k
        highPass = Biquad(b0: 1, b1: -2, b2: 1, a1: 2 * (k * k - 1) / a0, a2: (1 - k / q2 + k * k) / a0)
        weights = Self.weights(channels: self.channels)
        states = Array(repeating: ChannelState(), count: self.channels)
        subBlockLength = max(1, Int((fs / 10).rounded()))
        peakHistory = Array(repeating: Array(repeating: 0, count: TruePeakFilter.history), count: self.channels)
    }

    /// BS.1770-4's channel weights for FFmpeg's default layout of `channels` channels.
    static func weights(channels: Int) -> [Double] {
        switch channels {
        case 6: [1, 1, 1, 0, 1.41, 1.41]  // FL FR FC LFE BL BR
        case 8: [1, 1, 1, 0, 1.41, 1.41, 1.41, 1.41]  // FL FR FC LFE BL BR SL SR
        default: Array(repeating: 1, count: channels)
        }
    }

    /// Takes a block of planar samples (one array per channel, equal lengths).
    public mutating func add(_ planes: [[Float]]) {
        let count = planes.map(\.count).min() ?? 0
        guard count > 0, planes.count >= channels else { return }
        var sums = partSums(count)
        for channel in 0..<channels {
            planes[channel].withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                take(base, count: count, channel: channel, into: &sums)
            }
        }
        close(sums, count: count)
    }

    /// Takes `count` samples of each channel, one pointer per channel (planar).
    public mutating func add(_ planes: [UnsafePointer<Float>], count: Int) {
        guard count > 0, planes.count >= channels else { return }
        var sums = partSums(count)
        for channel in 0..<channels { take(planes[channel], count: count, channel: channel, into: &sums) }
        close(sums, count: count)
    }

    /// One sum for each 100 ms part a block of `count` samples reaches into.
    private func partSums(_ count: Int) -> [Double] {
        Array(repeating: 0, count: (subBlockFill + count + subBlockLength - 1) / subBlockLength)
    }

    /// One channel's samples: K-weighted, their squares summed per 100 ms part (a serial loop per
    /// part), and their peaks.
    private mutating func take(_ samples: UnsafePointer<Float>, count: Int, channel: Int, into sums: inout [Double]) {
        let s = shelf, h = highPass
        var state = states[channel]
        let weight = weights[channel]
        var start = 0
        var part = 0
        var fill = subBlockFill
        while start < count {
            let length = min(count - start, subBlockLength - fill)
            var sum = 0.0
            let block = samples + start
            for index in 0..<length {
                let x = Double(block[index])
                let shelved = s.b0 * x + state.s1
                state.s1 = s.b1 * x - s.a1 * shelved + state.s2
                state.s2 = s.b2 * x - s.a2 * shelved
                let weighted = shelved + state.h1
                state.h1 = -2 * shelved - h.a1 * weighted + state.h2
                state.h2 = shelved - h.a2 * weighted
                sum += weighted * weighted
            }
            sums[part] += weight * sum
            part += 1
            start += length
            fill = 0
        }
        states[channel] = state
        peaks(samples, count: count, channel: channel)
    }

    /// Adds a block's part sums to the 100 ms parts, closing each part that is whole.
    private mutating func close(_ sums: [Double], count: Int) {
        var remaining = count
        for sum in sums {
            let length = min(remaining, subBlockLength - subBlockFill)
            subBlockSum += sum
            subBlockFill += length
            remaining -= length
            if subBlockFill == subBlockLength {
                subBlocks.append(subBlockSum)
                subBlockSum = 0
                subBlockFill = 0
            }
        }
        sampleCount += count
    }

    /// The sample peak and, where a block could raise it, the true peak of one channel's samples.
    private mutating func peaks(_ samples: UnsafePointer<Float>, count: Int, channel: Int) {
        let history = TruePeakFilter.history
        var work = peakHistory[channel]
        work.append(contentsOf: UnsafeBufferPointer(start: samples, count: count))
        let segment = 256
        var scratch = [Float](repeating: 0, count: segment)
        var samplePeak = samplePeakLinear
        var truePeak = max(truePeakLinear, samplePeakLinear)
        work.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            scratch.withUnsafeMutableBufferPointer { out in
                guard let peaks = out.baseAddress else { return }
                var start = 0
                while start < count {
                    let length = min(segment, count - start)
                    let first = base + history + start
                    let newest = TruePeakFilter.largest(first, count: length)
                    samplePeak = max(samplePeak, newest)
                    truePeak = max(truePeak, newest)
                    // The inputs of this segment's oversampled points: the segment and the 11 samples before it.
                    let inputs = max(newest, TruePeakFilter.largest(first - history, count: history))
                    if inputs * TruePeakFilter.bound > truePeak {
                        TruePeakFilter.peaks(first, count: length, into: peaks)
                        truePeak = max(truePeak, TruePeakFilter.largest(peaks, count: length))
                    }
                    start += length
                }
            }
        }
        samplePeakLinear = samplePeak
        truePeakLinear = truePeak
        peakHistory[channel] = Array(work.suffix(history))
    }

    /// BS.1770's loudness of a mean square.
    static func loudness(_ power: Double) -> Double { -0.691 + 10 * log10(power) }

    /// The mean squares of the 400 ms blocks, one every 100 ms.
    private var blocks: [Double] {
        guard subBlocks.count >= 4 else { return [] }
        let length = Double(subBlockLength * 4)
        var sum = subBlocks[0] + subBlocks[1] + subBlocks[2]
        var result: [Double] = []
        result.reserveCapacity(subBlocks.count - 3)
        for index in 3..<subBlocks.count {
            sum += subBlocks[index]
            result.append(max(sum, 0) / length)
            sum -= subBlocks[index - 3]
        }
        return result
    }

    /// The gated mean of `powers` (absolute gate -70 LUFS, then `relative` LU under the absolutely
    /// gated mean) and the relative gate; nil when nothing passes.
    static func gated(_ powers: [Double], relative: Double) -> (mean: Double, threshold: Double)? {
        let absolute = powers.filter { $0 > 0 && loudness($0) > -70 }
        guard !absolute.isEmpty else { return nil }
        let threshold = loudness(absolute.reduce(0, +) / Double(absolute.count)) + relative
        let kept = absolute.filter { loudness($0) > threshold }
        guard !kept.isEmpty else { return nil }
        return (kept.reduce(0, +) / Double(kept.count), threshold)
    }

    /// The integrated loudness in LUFS; nil when nothing rises above the absolute gate (silence, or
    /// less than 400 ms of audio).
    public var integratedLoudness: Double? {
        Self.gated(blocks, relative: -10).map { Self.loudness($0.mean) }
    }

    /// The loudness range in LU (EBU Tech 3342: short-term loudness over 3 s every 100 ms, gated at
    /// -70 LUFS and 20 LU under their mean, from the 10th to the 95th percentile); 0 when shorter than 3 s.
    public var loudnessRange: Double {
        guard subBlocks.count >= 30 else { return 0 }
        let length = Double(subBlockLength * 30)
        var sum = subBlocks[0..<29].reduce(0, +)
        var shortTerm: [Double] = []
        for index in 29..<subBlocks.count {
            sum += subBlocks[index]
            shortTerm.append(max(sum, 0) / length)
            sum -= subBlocks[index - 29]
        }
        guard let gate = Self.gated(shortTerm, relative: -20) else { return 0 }
        let kept = shortTerm.filter { $0 > 0 && Self.loudness($0) > -70 && Self.loudness($0) > gate.threshold }
            .map(Self.loudness).sorted()
        guard kept.count > 1 else { return 0 }
        func percentile(_ p: Double) -> Double { kept[min(kept.count - 1, Int((Double(kept.count - 1) * p).rounded()))] }
        return percentile(0.95) - percentile(0.10)
    }

    /// The true peak in dBTP; nil for digital silence.
    public var truePeak: Double? {
        truePeakLinear > 0 ? 20 * log10(Double(truePeakLinear)) : nil
    }

    /// The sample peak in dBFS; nil for digital silence.
    public var samplePeak: Double? {
        samplePeakLinear > 0 ? 20 * log10(Double(samplePeakLinear)) : nil
    }

    /// Everything measured so far.
    public var measurement: LoudnessMeasurement {
        let gate = Self.gated(blocks, relative: -10)
        return LoudnessMeasurement(
            integrated: gate.map { Self.loudness($0.mean) }, truePeak: truePeak, samplePeak: samplePeak,
            range: loudnessRange, threshold: gate?.threshold, durationSeconds: Double(sampleCount) / Double(sampleRate))
    }
}
