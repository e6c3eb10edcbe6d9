import DubKitMedia
import Foundation

/// The short-time spectrum the envelope work runs on: sine-windowed frames of about 25 ms with 50%
/// overlap (so analysis and synthesis windows sum to one), each summarised as power in dB per
/// ``EnvelopeBands`` band.
final class EnvelopeFrames {
    let sampleRate: Int
    let size: Int
    let hop: Int
    /// Bands this rate holds.
    let bands: Int
    let window: [Float]
    /// Band of each bin (-1 outside every band).
    let binBand: [Int32]
    let binsPerBand: [Float]
    let fft: RealFFT
    /// Frames quieter than this (RMS of the windowed frame, dBFS) are pauses: not learnt, not corrected.
    static let gateDB: Float = -50

    init(sampleRate: Int) {
        self.sampleRate = sampleRate
        var size = 64
        while Double(size) < 0.025 * Double(sampleRate) { size *= 2 }
        self.size = size
        hop = size / 2
        bands = EnvelopeBands.present(sampleRate: sampleRate)
        window = (0..<size).map { Float(sin(Double.pi * (Double($0) + 0.5) / Double(size))) }
        var map = [Int32](repeating: -1, count: size / 2 + 1)
        var counts = [Float](repeating: 0, count: EnvelopeBands.count)
        let edges = EnvelopeBands.edges
        var band = 0
        for bin in 0...(size / 2) {
            let f = Double(bin) * Double(sampleRate) / Double(size)
            while band < EnvelopeBands.count && f >= edges[band + 1] { band += 1 }
            if band < bands && f >= edges[0] {
                map[bin] = Int32(band)
                counts[band] += 1
            }
        }
        binBand = map
        binsPerBand = counts
        // A power of two of at least 64 always makes a transform.
        fft = RealFFT(size: size) ?? RealFFT(size: 64)!
    }

    /// Band powers in dB of the spectrum `re`/`im` into `out` (first ``bands`` values); returns the frame's
    /// RMS level in dBFS.
    func bandLevels(re: UnsafePointer<Float>, im: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) -> Float {
        for b in 0..<bands { out[b] = 0 }
        var total: Float = 0
        binBand.withUnsafeBufferPointer { map in
            for bin in 0...(size / 2) {
                let p = re[bin] * re[bin] + im[bin] * im[bin]
                total += bin == 0 || bin == size / 2 ? p : 2 * p
                let band = Int(map[bin])
                if band >= 0 { out[band] += p }
            }
        }
        let norm = 1 / Float(size / 2)
        for b in 0..<bands { out[b] = 10 * log10(max(out[b] / max(1, binsPerBand[b]) * norm, 1e-12)) }
        // Parseval: the windowed frame's mean square is total / size²; the sine window's mean square is 1/2.
        return 10 * log10(max(total / Float(size * size) * 2, 1e-20))
    }
}

/// Collects the band envelopes of a recording's loud frames (training, and the preview of a conversion).
final class EnvelopeCollector {
    let frames: EnvelopeFrames
    private var pending: [Float] = []
    private var frame: [Float]
    private var re: [Float]
    private var im: [Float]
    private var levels: [Float]
    /// Loud frames' envelopes, `frames.bands` values each, one after another.
    private(set) var envelopes: [Float] = []
    private(set) var count = 0
    /// Keeps one loud frame in `keepEvery` (the preview only needs a mean).
    private let keepEvery: Int
    private var seen = 0
    private(set) var sum: [Double]

    init(sampleRate: Int, keepEvery: Int = 1) {
        frames = EnvelopeFrames(sampleRate: sampleRate)
        frame = [Float](repeating: 0, count: frames.size)
        re = [Float](repeating: 0, count: frames.size / 2 + 1)
        im = re
        levels = [Float](repeating: 0, count: EnvelopeBands.count)
        sum = [Double](repeating: 0, count: frames.bands)
        self.keepEvery = keepEvery
    }

    func feed(_ samples: [Float]) {
        pending.append(contentsOf: samples)
        let size = frames.size, hop = frames.hop
        var start = 0
        while pending.count - start >= size {
            analyse(at: start)
            start += hop
        }
        pending.removeFirst(start)
    }

    private func analyse(at start: Int) {
        let size = frames.size, bands = frames.bands
        for i in 0..<size { frame[i] = pending[start + i] * frames.window[i] }
        let level = frame.withUnsafeBufferPointer { x in
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { m in
                    levels.withUnsafeMutableBufferPointer { out -> Float in
                        guard let xp = x.baseAddress, let rp = r.baseAddress, let mp = m.baseAddress, let op = out.baseAddress else {
                            return -200
                        }
                        frames.fft.forward(xp, re: rp, im: mp)
                        return frames.bandLevels(re: rp, im: mp, into: op)
                    }
                }
            }
        }
        guard level > EnvelopeFrames.gateDB else { return }
        for b in 0..<bands { sum[b] += Double(levels[b]) }
        count += 1
        seen += 1
        if seen % keepEvery == 0 { envelopes.append(contentsOf: levels[0..<bands]) }
    }

    /// The mean envelope of the loud frames (dB per band), nil when none was loud.
    var mean: [Float]? {
        count > 0 ? sum.map { Float($0 / Double(count)) } : nil
    }
}
