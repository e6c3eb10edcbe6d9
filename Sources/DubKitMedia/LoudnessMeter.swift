import Foundation

/// Integrated loudness after ITU-R BS.1770-4: K-weighting, mean square over 400 ms blocks every
/// 100 ms, an absolute gate at -70 LUFS and a relative gate 10 LU below the absolutely gated mean.
public struct LoudnessMeter: Sendable {
    private struct Biquad: Sendable {
        var b: (Double, Double, Double)
        var a: (Double, Double)
        var z1 = 0.0, z2 = 0.0

        mutating func process(_ x: Double) -> Double {
            let y = b.0 * x + z1
            z1 = b.1 * x - a.0 * y + z2
            z2 = b.2 * x - a.1 * y
            return y
        }
    }

    private var shelf: [Biquad]
    private var highPass: [Biquad]
    private let subBlockLength: Int
    private var subBlockFill = 0
    private var subBlockSum = 0.0
    /// Sums of K-weighted squares (over channels) of each 100 ms part.
    private var subBlocks: [Double] = []

    /// A meter for `channels` channels at `sampleRate` (each channel weighted 1, as for mono and stereo).
    public init(sampleRate: Int, channels: Int) {
        let fs = Double(sampleRate)
        // The pre-filter (a high shelf) and the RLB high-pass, designed for this rate.
        var k = tan(Double.pi * 1681.974450955533 / fs)
        let q = 0.7071752369554196
        let vh = pow(10, 3.999843853973347 / 20)
        let vb = pow(vh, 0.4996667741545416)
        var a0 = 1 + k / q + k * k
        let shelfFilter = Biquad(b: ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0),
                                 a: (2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0))
        k = tan(Double.pi * 38.13547087602444 / fs)
        let q2 = 0.5003270373238773
        a0 = 1 + k / q2 + k * k
        let highPassFilter = Biquad(b: (1, -2, 1), a: (2 * (k * k - 1) / a0, (1 - k / q2 + k * k) / a0))
        shelf = Array(repeating: shelfFilter, count: max(channels, 1))
        highPass = Array(repeating: highPassFilter, count: max(channels, 1))
        subBlockLength = max(1, sampleRate / 10)
    }

    /// Takes a block of planar samples (one array per channel, equal lengths).
    public mutating func add(_ planes: [[Float]]) {
        let count = planes.first?.count ?? 0
        for index in 0..<count {
            var sum = 0.0
            for channel in 0..<min(planes.count, shelf.count) {
                let weighted = highPass[channel].process(shelf[channel].process(Double(planes[channel][index])))
                sum += weighted * weighted
            }
            subBlockSum += sum
            subBlockFill += 1
            if subBlockFill == subBlockLength {
                subBlocks.append(subBlockSum)
                subBlockSum = 0
                subBlockFill = 0
            }
        }
    }

    /// The integrated loudness in LUFS; nil when nothing rises above the absolute gate (silence, or
    /// less than 400 ms of audio).
    public var integratedLoudness: Double? {
        guard subBlocks.count >= 4 else { return nil }
        let blockLength = Double(subBlockLength * 4)
        let blocks = (0...(subBlocks.count - 4)).map { start in
            (subBlocks[start] + subBlocks[start + 1] + subBlocks[start + 2] + subBlocks[start + 3]) / blockLength
        }
        func loudness(_ power: Double) -> Double { -0.691 + 10 * log10(power) }
        let absolute = blocks.filter { $0 > 0 && loudness($0) > -70 }
        guard !absolute.isEmpty else { return nil }
        let relativeGate = loudness(absolute.reduce(0, +) / Double(absolute.count)) - 10
        let gated = absolute.filter { loudness($0) > relativeGate }
        guard !gated.isEmpty else { return nil }
        return loudness(gated.reduce(0, +) / Double(gated.count))
    }
}
