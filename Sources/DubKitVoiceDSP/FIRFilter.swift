import DubKitMedia
import Foundation

/// A linear-phase FIR equaliser built from per-band gains, applied by FFT overlap-add (one real
/// transform and its inverse per block, scratch reused); its output is aligned with its input (the
/// filter's group delay is dropped).
final class FIRFilter {
    private let fft: RealFFT
    private let block: Int
    private let taps: Int
    private let responseRe: [Float]
    private let responseIm: [Float]
    /// The tail of the last block's convolution, added to the next block's output.
    private var overlap: [Float]
    /// Input waiting for a whole block, zero-padded to the transform's size.
    private var pending: [Float]
    private var pendingCount = 0
    private var re: [Float]
    private var im: [Float]
    private var convolved: [Float]
    private var trim: LatencyTrim

    /// `gains` in dB at ``SpectralBands/centres``, held flat below the first and above the last band.
    init(gains: [Double], sampleRate: Int) {
        var taps = 1
        while taps < sampleRate / 40 { taps *= 2 }   // about 25 ms: resolves the lowest bands.
        taps += 1
        self.taps = taps
        block = taps - 1
        // Sizes of at least 4 that are powers of two always make a transform.
        let m = max(4, (taps - 1) * 2)
        fft = RealFFT(size: m) ?? RealFFT(size: 4)!
        let bins = fft.bins
        // Zero-phase magnitude on a grid of taps-1 points (half of a (taps-1)*2 DFT), then a windowed linear-phase kernel.
        var magnitude = [Float](repeating: 0, count: bins), zero = [Float](repeating: 0, count: bins)
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
            magnitude[bin] = Float(pow(10, g / 20))
        }
        var impulse = [Float](repeating: 0, count: m)
        Self.inverse(fft, &magnitude, &zero, into: &impulse)
        var kernel = [Float](repeating: 0, count: m)
        let half = taps / 2
        for i in 0..<taps {
            let k = (i - half + m) % m
            let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(taps - 1))
            kernel[i] = impulse[k] * Float(w)
        }
        (responseRe, responseIm) = fft.forward(kernel)
        overlap = [Float](repeating: 0, count: m - block)
        pending = [Float](repeating: 0, count: m)
        re = [Float](repeating: 0, count: bins)
        im = re
        convolved = [Float](repeating: 0, count: m)
        trim = LatencyTrim(half)
    }

    /// Filters `samples`; returns what is ready (possibly less than given until ``finish(total:)``).
    func process(_ samples: [Float]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(samples.count + block)
        var i = 0
        while i < samples.count {
            let take = min(block - pendingCount, samples.count - i)
            pending.replaceSubrange(pendingCount..<(pendingCount + take), with: samples[i..<(i + take)])
            pendingCount += take
            i += take
            if pendingCount == block { runBlock(into: &out) }
        }
        return trim.apply(out)
    }

    /// The remaining `remaining` samples of output: flushes the last partial block and the filter's tail.
    func finish(total remaining: Int) -> [Float] {
        var out: [Float] = []
        while out.count < remaining + trim.remaining {
            for i in pendingCount..<block { pending[i] = 0 }
            runBlock(into: &out)
        }
        return Array(trim.apply(out).prefix(remaining))
    }

    /// Convolves the pending block (zero-padded to the transform's size) and appends its output.
    private func runBlock(into out: inout [Float]) {
        let block = block, tail = fft.size - block
        pending.withUnsafeBufferPointer { p in
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { m in
                    guard let pp = p.baseAddress, let rp = r.baseAddress, let mp = m.baseAddress else { return }
                    fft.forward(pp, re: rp, im: mp)
                    responseRe.withUnsafeBufferPointer { hr in
                        responseIm.withUnsafeBufferPointer { hi in
                            for k in 0..<r.count {
                                let a = r[k], b = m[k]
                                r[k] = a * hr[k] - b * hi[k]
                                m[k] = a * hi[k] + b * hr[k]
                            }
                        }
                    }
                    convolved.withUnsafeMutableBufferPointer { y in
                        guard let yp = y.baseAddress else { return }
                        fft.inverse(re: rp, im: mp, output: yp)
                        overlap.withUnsafeMutableBufferPointer { o in
                            // The tail (at least a block long) overlaps the next block's output.
                            for k in 0..<block { out.append(o[k] + y[k]) }
                            for k in 0..<tail { o[k] = y[block + k] + (k + block < tail ? o[k + block] : 0) }
                        }
                    }
                }
            }
        }
        pendingCount = 0
    }

    /// The inverse real transform of `re`/`im` into `output` (the transform's size).
    private static func inverse(_ fft: RealFFT, _ re: inout [Float], _ im: inout [Float], into output: inout [Float]) {
        re.withUnsafeBufferPointer { r in
            im.withUnsafeBufferPointer { m in
                output.withUnsafeMutableBufferPointer { o in
                    if let rp = r.baseAddress, let mp = m.baseAddress, let op = o.baseAddress { fft.inverse(re: rp, im: mp, output: op) }
                }
            }
        }
    }
}
