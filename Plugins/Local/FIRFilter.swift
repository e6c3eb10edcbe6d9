import Foundation

/// A linear-phase FIR equaliser built from per-band gains, applied by FFT overlap-add; its output is
/// aligned with its input (the filter's group delay is dropped).
final class FIRFilter {
    private let fft: FFT
    private let block: Int
    private let taps: Int
    private let responseRe: [Float]
    private let responseIm: [Float]
    private var overlap: [Float]
    private var pendingInput: [Float] = []
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
        overlap = [Float](repeating: 0, count: n)
        toDrop = half
    }

    /// Filters `samples`; returns what is ready (possibly less than given until ``finish()``).
    func process(_ samples: [Float]) -> [Float] {
        pendingInput += samples
        var out: [Float] = []
        while pendingInput.count >= block {
            out += run(Array(pendingInput.prefix(block)))
            pendingInput.removeFirst(block)
        }
        return drop(out)
    }

    /// The remaining output: flushes the last partial block and the filter's tail.
    func finish(total remaining: Int) -> [Float] {
        var out: [Float] = []
        var input = pendingInput
        pendingInput.removeAll()
        while out.count < remaining + toDrop {
            input += [Float](repeating: 0, count: block - input.count)
            out += run(input)
            input = []
        }
        return Array(drop(out).prefix(remaining))
    }

    private func drop(_ out: [Float]) -> [Float] {
        guard toDrop > 0 else { return out }
        let d = min(toDrop, out.count)
        toDrop -= d
        return Array(out.dropFirst(d))
    }

    private func run(_ input: [Float]) -> [Float] {
        let n = fft.size
        var re = [Float](repeating: 0, count: n), im = [Float](repeating: 0, count: n)
        for (i, v) in input.enumerated() { re[i] = v }
        fft.transform(&re, &im)
        for k in 0..<n {
            let r = re[k] * responseRe[k] - im[k] * responseIm[k]
            im[k] = re[k] * responseIm[k] + im[k] * responseRe[k]
            re[k] = r
        }
        fft.transform(&re, &im, inverse: true)
        for i in 0..<n { overlap[i] += re[i] }
        let out = Array(overlap[0..<block])
        overlap.removeFirst(block)
        overlap += [Float](repeating: 0, count: block)
        return out
    }
}
