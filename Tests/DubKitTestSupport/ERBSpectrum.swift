import Foundation

/// A long-term average spectrum for tests, independent of the local engine's bands: Hamming-windowed
/// 32 ms frames every 10 ms, the frames within 30 dB of the loud ones, power averaged over bands one
/// ERB wide (Glasberg and Moore) from 100 Hz to 0.45 of the rate (at most 7 kHz), in dB.
public struct ERBSpectrum: Sendable {
    /// Lower edges of the bands in Hz.
    public let edges: [Double]
    /// Level in dB per band; nil where the band holds no FFT bin.
    public let levels: [Double?]

    /// The spectrum of `url`'s audio, decoded by ffmpeg at `rate`.
    public init(_ url: URL, rate: Int) throws {
        self.init(try TestAudio.samples(url, rate: rate).samples, rate: rate)
    }

    /// The spectrum of `x` sampled at `rate`.
    public init(_ x: [Float], rate: Int) {
        let length = Int(0.032 * Double(rate)), hop = rate / 100
        var size = 1
        while size < length { size *= 2 }
        let window = (0..<length).map { 0.54 - 0.46 * cos(2 * Double.pi * Double($0) / Double(length - 1)) }
        let starts = Array(stride(from: 0, through: max(-1, x.count - length), by: hop))
        let energies = starts.map { start in (0..<length).reduce(0.0) { $0 + Double(x[start + $1]) * Double(x[start + $1]) } }
        let loud = energies.sorted()[max(0, min(energies.count - 1, energies.count * 95 / 100))]
        var power = [Double](repeating: 0, count: size / 2 + 1)
        for (start, energy) in zip(starts, energies) where energy > loud * 1e-3 && energy > 0 {
            var re = [Double](repeating: 0, count: size), im = [Double](repeating: 0, count: size)
            for n in 0..<length { re[n] = Double(x[start + n]) * window[n] }
            TestFFT.transform(&re, &im)
            for k in 0...(size / 2) { power[k] += re[k] * re[k] + im[k] * im[k] }
        }
        // ERB-rate scale: E(f) = 21.4 log10(1 + 0.00437 f); one band per ERB.
        let upper = min(7000, 0.45 * Double(rate))
        func erb(_ f: Double) -> Double { 21.4 * log10(1 + 0.00437 * f) }
        func hz(_ e: Double) -> Double { (pow(10, e / 21.4) - 1) / 0.00437 }
        var edges: [Double] = []
        var e = erb(100)
        while hz(e + 1) <= upper { edges.append(hz(e)); e += 1 }
        let binHz = Double(rate) / Double(size)
        levels = edges.map { low in
            let high = hz(erb(low) + 1)
            let bins = power.indices.filter { Double($0) * binHz >= low && Double($0) * binHz < high }
            guard !bins.isEmpty else { return nil }
            let mean = bins.map { power[$0] }.reduce(0, +) / Double(bins.count)
            return 10 * log10(max(mean, 1e-30))
        }
        self.edges = edges
    }

    /// RMS difference in dB over the bands both hold, after removing the mean difference (overall level).
    public func distance(to other: ERBSpectrum) -> Double {
        let diffs = zip(levels, other.levels).compactMap { a, b in a.flatMap { a in b.map { a - $0 } } }
        guard diffs.count >= 4 else { return .infinity }
        let mean = diffs.reduce(0, +) / Double(diffs.count)
        return (diffs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(diffs.count)).squareRoot()
    }
}
