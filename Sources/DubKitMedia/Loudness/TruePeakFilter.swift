/// The peaks between samples, after ITU-R BS.1770-4 annex 2: the signal 4x oversampled by the
/// annex's 48-tap polyphase FIR (4 phases of 12 taps), read as the largest magnitude of the
/// oversampled points and of the samples themselves. Blocks too quiet to raise a peak are skipped:
/// no oversampled point can exceed ``bound`` times the largest sample of its 12 inputs.
enum TruePeakFilter {
    /// Samples of history an oversampled point needs before the newest one.
    static let history = 11
    /// Taps of each phase.
    static let taps = 12

    /// Annex 2, table 2: the interpolation filter, phase by phase; tap `k` weights the sample `k` before the newest.
    static let phases: [[Float]] = [
        [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
         0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500],
        [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
         0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375],
        [-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125, 0.7797851562500,
         0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875],
        [-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750, 0.9721679687500,
         0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750],
    ]

    /// The largest sum of a phase's tap magnitudes: no oversampled point is louder than this times
    /// the loudest of its inputs.
    static let bound: Float = phases.map { $0.reduce(0) { $0 + abs($1) } }.max() ?? 4

    /// The filter laid out for the vector loop: `flat[phase * 12 + tap]`.
    private static let flat: [Float] = phases.flatMap { $0 }

    /// Oversampled points lag their inputs by about this many samples (the filter's centre).
    static let delay = 6

    /// For each `i` in `0..<count`, the largest magnitude among the four oversampled points computed
    /// at input `i` (which lie between inputs `i - 6` and `i - 5`) and input `i` itself, into `peaks`.
    /// `samples` must be readable from index `-11`.
    static func peaks(_ samples: UnsafePointer<Float>, count: Int, into peaks: UnsafeMutablePointer<Float>) {
        flat.withUnsafeBufferPointer { filter in
            guard let h = filter.baseAddress else { return }
            var index = 0
            // Eight outputs at a time: each tap adds one coefficient times eight neighbouring inputs.
            while index + 8 <= count {
                var p0 = SIMD8<Float>(), p1 = SIMD8<Float>(), p2 = SIMD8<Float>(), p3 = SIMD8<Float>()
                for tap in 0..<taps {
                    let x = UnsafeRawPointer(samples + index - tap).loadUnaligned(as: SIMD8<Float>.self)
                    p0 += h[tap] * x
                    p1 += h[taps + tap] * x
                    p2 += h[2 * taps + tap] * x
                    p3 += h[3 * taps + tap] * x
                }
                let x = UnsafeRawPointer(samples + index).loadUnaligned(as: SIMD8<Float>.self)
                let largest = wider(wider(magnitude(p0), magnitude(p1)), wider(wider(magnitude(p2), magnitude(p3)), magnitude(x)))
                UnsafeMutableRawPointer(peaks + index).storeBytes(of: largest, as: SIMD8<Float>.self)
                index += 8
            }
            while index < count {
                var largest = abs(samples[index])
                for phase in 0..<4 {
                    var sum: Float = 0
                    for tap in 0..<taps { sum += h[phase * taps + tap] * samples[index - tap] }
                    largest = max(largest, abs(sum))
                }
                peaks[index] = largest
                index += 1
            }
        }
    }

    /// The largest magnitude among `samples[0..<count]`.
    static func largest(_ samples: UnsafePointer<Float>, count: Int) -> Float {
        var index = 0
        var wide = SIMD8<Float>()
        while index + 8 <= count {
            wide = wider(wide, magnitude(UnsafeRawPointer(samples + index).loadUnaligned(as: SIMD8<Float>.self)))
            index += 8
        }
        var result = wide.max()
        while index < count {
            result = max(result, abs(samples[index]))
            index += 1
        }
        return result
    }

    @inline(__always)
    private static func magnitude(_ x: SIMD8<Float>) -> SIMD8<Float> {
        x.replacing(with: -x, where: x .< 0)
    }

    /// The lane-wise larger of two vectors (written out: the generic `pointwiseMax` is not specialised here).
    @inline(__always)
    private static func wider(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        a.replacing(with: b, where: b .> a)
    }
}
