import DubKitMedia
import Foundation

/// Streams samples through fixed frames, finds each frame's F0 (YIN) and band powers, and accumulates
/// the statistics of a ``VoiceProfile``; it keeps a few frames of signal, never the whole recording.
final class FrameAnalyzer {
    /// Frame results needed per hop by the converter.
    struct Frame {
        /// F0 where the frame is clearly voiced (the one the statistics use).
        var f0: Double?
        /// F0 where the frame is at least weakly periodic (a voiced consonant, a voicing edge), else nil.
        var weakF0: Double?
        var rmsDB: Double
    }

    /// YIN's normalised-difference threshold for a clearly voiced frame, and the looser one for ``Frame/weakF0``.
    static let voicedThreshold = 0.3
    static let weakThreshold = 0.5

    static let loudGateDB = -50.0
    static let minF0 = 50.0
    static let maxF0 = 500.0

    let sampleRate: Int
    /// Samples between frame starts (20 ms).
    let hop: Int
    /// Samples in the YIN comparison window (25 ms).
    let window: Int
    private let minLag: Int
    private let maxLag: Int
    private let frameLength: Int
    private let fft: RealFFT
    private let hann: [Float]
    /// Scratch reused frame after frame: a zero-padded frame and two spectra of `fft.bins` values.
    private var padded: [Float]
    private var spectrumRe: [Float]
    private var spectrumIm: [Float]
    private var otherRe: [Float]
    private var otherIm: [Float]
    private var differences: [Double]
    private let binBands: [Int?]
    private let binCount: [Int]
    private var pending: [Float] = []

    // Statistics.
    private(set) var loudFrames = 0
    private var loudPower = 0.0
    private var bandPower = [Double](repeating: 0, count: SpectralBands.count)
    private(set) var voicedFrames = 0
    private var logF0Sum = 0.0
    private var logF0Squares = 0.0
    private var histogram = [Int](repeating: 0, count: FrameAnalyzer.histogramBins)
    private static let centsPerBin = 5.0
    private static let histogramBins = Int(1200 * log2(maxF0 / minF0) / centsPerBin) + 1

    /// Whether frames get an F0 (off when only the spectrum and loudness are wanted).
    private let tracksPitch: Bool

    init(sampleRate: Int, tracksPitch: Bool = true) {
        self.sampleRate = sampleRate
        self.tracksPitch = tracksPitch
        hop = max(1, sampleRate / 50)
        window = max(16, Int(0.025 * Double(sampleRate)))
        minLag = max(2, Int(Double(sampleRate) / Self.maxF0))
        maxLag = Int(Double(sampleRate) / Self.minF0) + 1
        let length = window + maxLag + 1
        frameLength = length
        var size = 2
        while size < length { size *= 2 }
        // A power of two of at least 16 + 2 always makes a transform.
        fft = RealFFT(size: max(size, 4)) ?? RealFFT(size: 4)!
        padded = [Float](repeating: 0, count: fft.size)
        spectrumRe = [Float](repeating: 0, count: fft.bins)
        spectrumIm = spectrumRe
        otherRe = spectrumRe
        otherIm = spectrumRe
        differences = [Double](repeating: 0, count: maxLag + 1)
        hann = (0..<length).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(length - 1))) }
        binBands = SpectralBands.binBands(size: size, sampleRate: sampleRate)
        var counts = [Int](repeating: 0, count: SpectralBands.count)
        for case let band? in binBands { counts[band] += 1 }
        binCount = counts
    }

    /// Feeds samples; calls `onFrame` for each complete frame (frame i starts at sample i·hop).
    func feed(_ samples: [Float], onFrame: (Frame) -> Void = { _ in }) {
        pending.append(contentsOf: samples)
        var start = 0
        while pending.count - start >= frameLength {
            onFrame(analyse(pending[start..<(start + frameLength)]))
            start += hop
        }
        pending.removeFirst(start)
    }

    /// Pads the tail with silence so the last samples get frames too.
    func finish(onFrame: (Frame) -> Void = { _ in }) {
        let frames = (pending.count + hop - 1) / hop
        guard frames > 0 else { return }
        let needed = (frames - 1) * hop + frameLength
        pending.append(contentsOf: [Float](repeating: 0, count: max(0, needed - pending.count)))
        var start = 0
        for _ in 0..<frames {
            onFrame(analyse(pending[start..<(start + frameLength)]))
            start += hop
        }
        pending.removeAll()
    }

    private func analyse(_ x: ArraySlice<Float>) -> Frame {
        let n = fft.size
        var energy = 0.0
        for v in x { energy += Double(v * v) }
        let rms = sqrt(energy / Double(x.count))
        let rmsDB = 20 * log10(max(rms, 1e-9))
        guard rmsDB > Self.loudGateDB else { return Frame(f0: nil, weakF0: nil, rmsDB: rmsDB) }
        loudFrames += 1
        loudPower += rms * rms

        // Band powers of the Hann-windowed frame (one real transform).
        // Filled through a local (the scratch swapped out), so the loop pays no exclusivity checks.
        var frame: [Float] = []
        swap(&frame, &padded)
        var i = 0
        for v in x { frame[i] = v * hann[i]; i += 1 }
        for j in i..<n { frame[j] = 0 }
        swap(&frame, &padded)
        forward(into: &spectrumRe, &spectrumIm)
        for bin in 0...(n / 2) {
            if let band = binBands[bin] { bandPower[band] += Double(spectrumRe[bin] * spectrumRe[bin] + spectrumIm[bin] * spectrumIm[bin]) }
        }

        let (f0, weakF0) = tracksPitch ? pitch(x) : (nil, nil)
        if let f0 {
            voicedFrames += 1
            let l = log(f0)
            logF0Sum += l
            logF0Squares += l * l
            let bin = Int((1200 * log2(f0 / Self.minF0) / Self.centsPerBin).rounded())
            histogram[max(0, min(Self.histogramBins - 1, bin))] += 1
        }
        return Frame(f0: f0, weakF0: weakF0, rmsDB: rmsDB)
    }

    /// The real transform of `padded` into `re`/`im` (``RealFFT/bins`` values each).
    private func forward(into re: inout [Float], _ im: inout [Float]) {
        padded.withUnsafeBufferPointer { x in
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { m in
                    if let xp = x.baseAddress, let rp = r.baseAddress, let mp = m.baseAddress { fft.forward(xp, re: rp, im: mp) }
                }
            }
        }
    }

    /// YIN: cumulative-mean-normalised difference via one FFT cross-correlation (the window's spectrum
    /// against the frame's, two real transforms and one inverse); the F0 of a clearly voiced frame (nil
    /// when not) and of an at least weakly periodic one.
    private func pitch(_ x: ArraySlice<Float>) -> (Double?, Double?) {
        let n = fft.size, bins = fft.bins
        // A: the comparison window; B: the whole frame.
        var frame: [Float] = []
        swap(&frame, &padded)
        var i = 0
        for v in x {
            frame[i] = i < window ? v : 0
            i += 1
        }
        for j in i..<n { frame[j] = 0 }
        swap(&frame, &padded)
        forward(into: &spectrumRe, &spectrumIm)
        swap(&frame, &padded)
        i = 0
        for v in x { frame[i] = v; i += 1 }
        swap(&frame, &padded)
        forward(into: &otherRe, &otherIm)
        // conj(A)·B, whose inverse is the cross-correlation of the window with the frame at each lag.
        for k in 0..<bins {
            let ar = spectrumRe[k], ai = spectrumIm[k], br = otherRe[k], bi = otherIm[k]
            spectrumRe[k] = ar * br + ai * bi
            spectrumIm[k] = ar * bi - ai * br
        }
        spectrumRe.withUnsafeBufferPointer { r in
            spectrumIm.withUnsafeBufferPointer { m in
                padded.withUnsafeMutableBufferPointer { out in
                    if let rp = r.baseAddress, let mp = m.baseAddress, let op = out.baseAddress { fft.inverse(re: rp, im: mp, output: op) }
                }
            }
        }
        // Energies of the lagged windows; the correlation and the differences held in locals for the loop.
        let correlation = padded
        var differences: [Double] = []
        swap(&differences, &self.differences)
        defer { swap(&differences, &self.differences) }
        let base = x.startIndex
        var e0 = 0.0
        for j in 0..<window { e0 += Double(x[base + j] * x[base + j]) }
        var eLag = e0
        var cumulative = 0.0
        var best: (lag: Int, value: Double)?
        var chosen: Int?
        var prevNorm = 1.0
        var last = 0
        for lag in 1...maxLag {
            eLag += Double(x[base + lag + window - 1] * x[base + lag + window - 1]) - Double(x[base + lag - 1] * x[base + lag - 1])
            let d = max(0, e0 + eLag - 2 * Double(correlation[lag]))
            differences[lag] = d
            last = lag
            cumulative += d
            let norm = cumulative > 0 ? d * Double(lag) / cumulative : 1
            if lag >= minLag {
                if norm < (best?.value ?? .infinity) { best = (lag, norm) }
                if chosen == nil, prevNorm < 0.15, norm > prevNorm, lag - 1 >= minLag { chosen = lag - 1 }
            }
            prevNorm = norm
            if chosen != nil { break }
        }
        let d = differences, computed = last
        func frequency(_ lag: Int) -> Double? {
            var refined = Double(lag)
            if lag > 1, lag < maxLag {
                // Past the last lag computed the difference reads as 0, as the fresh array of each frame held.
                let a = d[lag - 1], b = d[lag], c = lag + 1 <= computed ? d[lag + 1] : 0
                let denom = a - 2 * b + c
                if denom > 0 { refined += 0.5 * (a - c) / denom }
            }
            let f0 = Double(sampleRate) / refined
            return (Self.minF0...Self.maxF0).contains(f0) ? f0 : nil
        }
        if let lag = chosen ?? best.flatMap({ $0.value < Self.voicedThreshold ? $0.lag : nil }) {
            let f0 = frequency(lag)
            return (f0, f0)
        }
        return (nil, best.flatMap { $0.value < Self.weakThreshold ? frequency($0.lag) : nil })
    }

    /// The long-term spectrum (dB per band) and loudness (dBFS) of the loud frames so far, or nil if none was loud.
    func spectrumAndLoudness() -> (spectrum: [Double], loudness: Double)? {
        guard loudFrames > 0 else { return nil }
        let spectrum = (0..<SpectralBands.count).map { b -> Double in
            guard binCount[b] > 0, bandPower[b] > 0 else { return SpectralBands.missing }
            return 10 * log10(bandPower[b] / Double(binCount[b]) / Double(loudFrames))
        }
        return (spectrum, 10 * log10(max(1e-18, loudPower / Double(loudFrames))))
    }

    /// The statistics so far, pooled with `others` (several recordings of one speaker).
    static func profile(of analyzers: [FrameAnalyzer], files: [URL]) throws -> VoiceProfile {
        let voiced = analyzers.map(\.voicedFrames).reduce(0, +)
        let loud = analyzers.map(\.loudFrames).reduce(0, +)
        guard voiced >= 10, loud >= 10, let first = analyzers.first else {
            throw LocalEngineError.noVoicedSpeech(files: files.map(\.path))
        }
        let sum = analyzers.map(\.logF0Sum).reduce(0, +)
        let squares = analyzers.map(\.logF0Squares).reduce(0, +)
        let mean = sum / Double(voiced)
        let sd = sqrt(max(0, squares / Double(voiced) - mean * mean))
        var histogram = [Int](repeating: 0, count: histogramBins)
        for a in analyzers { for (i, c) in a.histogram.enumerated() { histogram[i] += c } }
        var seen = 0, medianBin = 0
        for (i, c) in histogram.enumerated() {
            seen += c
            if 2 * seen >= voiced { medianBin = i; break }
        }
        let median = minF0 * pow(2, Double(medianBin) * centsPerBin / 1200)
        // Bands are averaged over loud frames; a band no recording can hold is marked missing.
        var spectrum = [Double](repeating: SpectralBands.missing, count: SpectralBands.count)
        for b in 0..<SpectralBands.count {
            guard analyzers.allSatisfy({ $0.binCount[b] > 0 }) else { continue }
            let power = analyzers.map { $0.bandPower[b] / Double($0.binCount[b]) }.reduce(0, +) / Double(loud)
            if power > 0 { spectrum[b] = 10 * log10(power) }
        }
        let loudness = 10 * log10(max(1e-18, analyzers.map(\.loudPower).reduce(0, +) / Double(loud)))
        return VoiceProfile(
            logF0Mean: mean, logF0StandardDeviation: sd, medianF0: median,
            formantScale: FormantScale.estimate(spectrum), longTermSpectrum: spectrum, loudness: loudness,
            sampleRate: first.sampleRate)
    }
}
