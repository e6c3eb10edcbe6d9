import DubKitMedia
import Foundation

/// Gives each frame of a (pitch- and formant-shifted) voice the spectral envelope the target speaker has
/// for that sound: the frame's cepstra, taken relative to the voice's mean envelope, find the `neighbours`
/// nearest classes of the target's ``SpeakerCodebook`` (relative to the target's mean); the frame is
/// filtered by the difference between their mean envelope and its own, smoothed over three frames,
/// its level kept. Streaming short-time Fourier processing (sine windows, 50% overlap: one forward and one
/// inverse real transform a frame); the output is aligned with the input.
final class EnvelopeMapper {
    private let frames: EnvelopeFrames
    private let strength: Float
    private let neighbours: Int
    /// Bands matched: those both the voice and the codebook hold.
    private let shared: Int
    private let sourceMean: [Float]
    private let classes: [Float]
    private let classFeatures: [Float]
    private let classCount: Int
    private let targetBands: Int
    private let basis: [Float]
    /// Per bin: the band below it (or -1) and the weight of the band above in the interpolation of gains.
    private let binLow: [Int32]
    private let binWeight: [Float]
    private static let limitDB: Float = 15

    // Streaming state.
    private var pending: [Float]
    private var tail: [Float]
    private var trim: LatencyTrim
    private var frame: [Float]
    private var output: [Float]
    /// Spectra of the frame waiting for its successor's gains (the smoothing looks one frame ahead).
    private var heldRe: [Float]
    private var heldIm: [Float]
    private var hasHeld = false
    private var re: [Float]
    private var im: [Float]
    private var levels: [Float]
    private var features: [Float]
    /// Raw gains (dB per band) of the frame before the held one, the held one, and the newest.
    private var gainsBefore: [Float]
    private var gainsHeld: [Float]
    private var gainsNew: [Float]
    private var amplitude: [Float]
    private var distances: [Float]

    /// A mapper for a voice at `sampleRate` whose mean envelope (dB per band over loud frames, as
    /// ``EnvelopeCollector`` measures) is `sourceMean`, towards `codebook`; `strength` scales the correction.
    init(sampleRate: Int, sourceMean: [Float], codebook: SpeakerCodebook, strength: Double, neighbours: Int = 4) {
        let frames = EnvelopeFrames(sampleRate: sampleRate)
        self.frames = frames
        self.strength = Float(strength)
        self.neighbours = max(1, min(neighbours, codebook.classes.count))
        let shared = min(frames.bands, codebook.bands, sourceMean.count)
        self.shared = shared
        self.sourceMean = sourceMean
        targetBands = codebook.bands
        classCount = codebook.classes.count
        classes = codebook.classes.flatMap { $0 }
        let basis = EnvelopeBands.cosineBasis(bands: shared)
        self.basis = basis
        var classFeatures = [Float](repeating: 0, count: codebook.classes.count * EnvelopeBands.cepstra)
        for (c, envelope) in codebook.classes.enumerated() {
            envelope.withUnsafeBufferPointer { e in
                codebook.mean.withUnsafeBufferPointer { m in
                    basis.withUnsafeBufferPointer { w in
                        classFeatures.withUnsafeMutableBufferPointer { out in
                            guard let ep = e.baseAddress, let mp = m.baseAddress, let wp = w.baseAddress, let op = out.baseAddress else { return }
                            EnvelopeBands.features(ep, mean: mp, bands: shared, basis: wp, into: op + c * EnvelopeBands.cepstra)
                        }
                    }
                }
            }
        }
        self.classFeatures = classFeatures
        let size = frames.size
        var low = [Int32](repeating: -1, count: size / 2 + 1), weight = [Float](repeating: 0, count: size / 2 + 1)
        let centres = EnvelopeBands.centres
        let last = frames.bands - 1
        for bin in 0...(size / 2) {
            let f = Double(bin) * Double(sampleRate) / Double(size)
            if f <= centres[0] {
                low[bin] = 0
            } else if f >= centres[last] {
                low[bin] = Int32(last)
            } else {
                var b = 0
                while centres[b + 1] < f { b += 1 }
                low[bin] = Int32(b)
                weight[bin] = Float((f - centres[b]) / (centres[b + 1] - centres[b]))
            }
        }
        binLow = low
        binWeight = weight
        pending = []
        pending.reserveCapacity(4 * size)
        // The stream is read as if a hop of silence came first, so the first real sample has two frames too.
        pending.append(contentsOf: [Float](repeating: 0, count: frames.hop))
        tail = [Float](repeating: 0, count: frames.hop)
        trim = LatencyTrim(frames.hop)
        frame = [Float](repeating: 0, count: size)
        output = frame
        re = [Float](repeating: 0, count: size / 2 + 1)
        im = re
        heldRe = re
        heldIm = re
        levels = [Float](repeating: 0, count: EnvelopeBands.count)
        features = [Float](repeating: 0, count: EnvelopeBands.cepstra)
        gainsBefore = [Float](repeating: 0, count: EnvelopeBands.count)
        gainsHeld = gainsBefore
        gainsNew = gainsBefore
        amplitude = gainsBefore
        distances = [Float](repeating: 0, count: classCount)
    }

    /// Filters `samples`; returns what is ready (it lags the input by about two frames until ``finish(total:)``).
    func process(_ samples: [Float]) -> [Float] {
        pending.append(contentsOf: samples)
        var out: [Float] = []
        out.reserveCapacity(samples.count + frames.size)
        var start = 0
        while pending.count - start >= frames.size {
            step(at: start, into: &out)
            start += frames.hop
        }
        pending.removeFirst(start)
        return trim.apply(out)
    }

    /// The remaining output up to `remaining` samples: the input after what was fed is taken as silence.
    func finish(total remaining: Int) -> [Float] {
        var out: [Float] = []
        var start = 0
        while out.count < remaining + trim.remaining + frames.hop {
            if pending.count - start < frames.size {
                pending.append(contentsOf: [Float](repeating: 0, count: frames.size - (pending.count - start)))
            }
            step(at: start, into: &out)
            start += frames.hop
        }
        pending.removeAll()
        return Array(trim.apply(out).prefix(remaining))
    }

    /// Analyses the frame at `pending[start...]`, and synthesises the held frame with gains smoothed over it,
    /// its predecessor and this one.
    private func step(at start: Int, into out: inout [Float]) {
        let size = frames.size, hop = frames.hop
        for i in 0..<size { frame[i] = pending[start + i] * frames.window[i] }
        frame.withUnsafeBufferPointer { x in
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { m in
                    if let xp = x.baseAddress, let rp = r.baseAddress, let mp = m.baseAddress { frames.fft.forward(xp, re: rp, im: mp) }
                }
            }
        }
        computeGains()
        if hasHeld {
            synthesiseHeld()
            for i in 0..<hop { out.append(tail[i] + output[i]) }
            for i in 0..<hop { tail[i] = output[hop + i] }
        }
        swap(&heldRe, &re)
        swap(&heldIm, &im)
        hasHeld = true
        swap(&gainsBefore, &gainsHeld)
        swap(&gainsHeld, &gainsNew)
    }

    /// Raw gains of the frame now in `re`/`im` into `gainsNew`: zero for a quiet frame.
    private func computeGains() {
        let bands = frames.bands
        let level = re.withUnsafeBufferPointer { r in
            im.withUnsafeBufferPointer { m in
                levels.withUnsafeMutableBufferPointer { l -> Float in
                    guard let rp = r.baseAddress, let mp = m.baseAddress, let lp = l.baseAddress else { return -200 }
                    return frames.bandLevels(re: rp, im: mp, into: lp)
                }
            }
        }
        guard level > EnvelopeFrames.gateDB, strength > 0 else {
            for b in 0..<bands { gainsNew[b] = 0 }
            return
        }
        let d = EnvelopeBands.cepstra
        levels.withUnsafeBufferPointer { l in
            sourceMean.withUnsafeBufferPointer { m in
                basis.withUnsafeBufferPointer { w in
                    features.withUnsafeMutableBufferPointer { f in
                        if let lp = l.baseAddress, let mp = m.baseAddress, let wp = w.baseAddress, let fp = f.baseAddress {
                            EnvelopeBands.features(lp, mean: mp, bands: shared, basis: wp, into: fp)
                        }
                    }
                }
            }
        }
        // The nearest classes by squared distance of cepstra.
        classFeatures.withUnsafeBufferPointer { c in
            for j in 0..<classCount {
                var s: Float = 0
                for m in 0..<d {
                    let diff = features[m] - c[j * d + m]
                    s += diff * diff
                }
                distances[j] = s
            }
        }
        for b in 0..<bands { gainsNew[b] = 0 }
        for _ in 0..<neighbours {
            var best = 0
            for j in 1..<classCount where distances[j] < distances[best] { best = j }
            distances[best] = .infinity
            for b in 0..<min(bands, targetBands) { gainsNew[b] += classes[best * targetBands + b] }
        }
        let top = min(bands, targetBands)
        for b in 0..<top { gainsNew[b] = gainsNew[b] / Float(neighbours) - levels[b] }
        // Above what the target holds, the correction of its highest band is held.
        for b in top..<bands { gainsNew[b] = gainsNew[top - 1] }
        // Keep the frame's power: remove the gains' power-weighted mean.
        var before: Float = 0, after: Float = 0
        for b in 0..<bands {
            let p = pow(10, levels[b] / 10) * frames.binsPerBand[b]
            before += p
            after += p * pow(10, gainsNew[b] / 10)
        }
        let offset = before > 0 && after > 0 ? 10 * log10(after / before) : 0
        for b in 0..<bands { gainsNew[b] = max(-Self.limitDB, min(Self.limitDB, (gainsNew[b] - offset) * strength)) }
    }

    /// Applies the smoothed gains to the held spectrum and transforms it back into `output` (windowed).
    private func synthesiseHeld() {
        let bands = frames.bands, size = frames.size
        for b in 0..<bands {
            let g = 0.25 * gainsBefore[b] + 0.5 * gainsHeld[b] + 0.25 * gainsNew[b]
            amplitude[b] = pow(10, g / 20)
        }
        heldRe.withUnsafeMutableBufferPointer { r in
            heldIm.withUnsafeMutableBufferPointer { m in
                amplitude.withUnsafeBufferPointer { a in
                    binLow.withUnsafeBufferPointer { low in
                        binWeight.withUnsafeBufferPointer { w in
                            for bin in 0...(size / 2) {
                                let b = Int(low[bin])
                                let g = w[bin] > 0 ? a[b] + (a[b + 1] - a[b]) * w[bin] : a[b]
                                r[bin] *= g
                                m[bin] *= g
                            }
                        }
                    }
                }
                output.withUnsafeMutableBufferPointer { o in
                    if let rp = r.baseAddress, let mp = m.baseAddress, let op = o.baseAddress { frames.fft.inverse(re: rp, im: mp, output: op) }
                }
            }
        }
        for i in 0..<size { output[i] *= frames.window[i] }
    }
}
