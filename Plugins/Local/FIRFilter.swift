import Foundation

/// A linear-phase FIR equaliser built from per-band gains, applied by FFT overlap-add (two real blocks
/// per complex FFT); its output is aligned with its input (the filter's group delay is dropped).
final class FIRFilter {
    private let fft: FFT
    private let block: Int
    private let taps: Int
    private let responseRe: [Float]
    private let responseIm: [Float]
    /// The tail of the last block's convolution, added to the next block's output.
    private var overlap: [Float]
    /// Input waiting for a pair of blocks (two real blocks share one complex FFT).
    private var pending: [Float]
    private var pendingCount = 0
    private var re: [Float]
    private var im: [Float]
    private var toDrop: Int

    /// `gains` in dB at ``SpectralBands/centres``, held flat below the first and above the last band.
    init(gains: [Double], sampleRate: Int) {
        var taps = 1
        while taps < sampleRate / 40 { taps *= 2 }   // about 25 ms: resolves the lowest bands.
        taps += 1
        self.taps = taps
        block = taps - 1
        fft = FFT(size: 2 * (taps - 1))
        let n = fft.size
        // Zero-phase magnitude on a grid of taps-1 points (half of a (taps-1)*2 DFT), then a windowed linear-phase kernel.
        let m = (taps - 1) * 2
        let design = FFT(size: m)
        var re = [Float](repeating: 0, count: m), im = [Float](repeating: 0, count: m)
        let logCentres = SpectralBands.centres.map { log($0) }
        for bin in 0...(m / 2) {
            let f = max(1, Double(bin) * Double(sampleRate) / Double(m))
            let lf = log(f)
            var g: Double
            if lf <= logCentres[0] { g = gains[0] } else if lf >= logCentres[logCentres.count - 1] { g = gains[gains.count - 1] } else {
                let x = (lf - logCentres[0]) / SpectralBands.logSpacing
                let i0 = min(Int(x), gains.count - 2)
                let t = x - Double(i0)
                g = gains[i0] * (1 - t) + gains[i0 + 1] * t
            }
            re[bin] = Float(pow(10, g / 20))
            if bin > 0, bin < m / 2 { re[m - bin] = re[bin] }
        }
        design.transform(&re, &im, inverse: true)
        var kernel = [Float](repeating: 0, count: taps)
        let half = taps / 2
        for i in 0..<taps {
            let k = (i - half + m) % m
            let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(taps - 1))
            kernel[i] = re[k] * Float(w)
        }
        var hr = [Float](repeating: 0, count: n), hi = [Float](repeating: 0, count: n)
        for i in 0..<taps { hr[i] = kernel[i] }
        fft.transform(&hr, &hi)
        responseRe = hr
        responseIm = hi
        overlap = [Float](repeating: 0, count: block)
        pending = [Float](repeating: 0, count: 2 * block)
        self.re = [Float](repeating: 0, count: n)
        self.im = [Float](repeating: 0, count: n)
        toDrop = half
    }

    /// Filters `samples`; returns what is ready (possibly less than given until ``finish(total:)``).
    func process(_ samples: [Float]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(samples.count + 2 * block)
        var i = 0
        while i < samples.count {
            let take = min(2 * block - pendingCount, samples.count - i)
            pending.replaceSubrange(pendingCount..<(pendingCount + take), with: samples[i..<(i + take)])
            pendingCount += take
            i += take
            if pendingCount == 2 * block { runPair(into: &out) }
        }
        return drop(out)
    }

    /// The remaining `remaining` samples of output: flushes the last partial blocks and the filter's tail.
    func finish(total remaining: Int) -> [Float] {
        var out: [Float] = []
        while out.count < remaining + toDrop {
            for i in pendingCount..<(2 * block) { pending[i] = 0 }
            runPair(into: &out)
        }
        return Array(drop(out).prefix(remaining))
    }

    private func drop(_ out: [Float]) -> [Float] {
        guard toDrop > 0 else { return out }
        let d = min(toDrop, out.count)
        toDrop -= d
        return Array(out.dropFirst(d))
    }

    /// Convolves the two pending blocks (one as the real, one as the imaginary part) and appends both outputs.
    private func runPair(into out: inout [Float]) {
        let n = fft.size, block = block
        pending.withUnsafeBufferPointer { p in
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { m in
                    for k in 0..<block {
                        r[k] = p[k]
                        m[k] = p[block + k]
                    }
                    for k in block..<n {
                        r[k] = 0
                        m[k] = 0
                    }
                    guard let rp = r.baseAddress, let mp = m.baseAddress else { return }
                    fft.transform(rp, mp)
                    responseRe.withUnsafeBufferPointer { hr in
                        responseIm.withUnsafeBufferPointer { hi in
                            for k in 0..<n {
                                let a = r[k], b = m[k]
                                r[k] = a * hr[k] - b * hi[k]
                                m[k] = a * hi[k] + b * hr[k]
                            }
                        }
                    }
                    fft.transform(rp, mp, inverse: true)
                    overlap.withUnsafeMutableBufferPointer { o in
                        for k in 0..<block { out.append(o[k] + r[k]) }
                        for k in 0..<block { out.append(r[block + k] + m[k]) }
                        for k in 0..<block { o[k] = m[block + k] }
                    }
                }
            }
        }
        pendingCount = 0
    }
}
