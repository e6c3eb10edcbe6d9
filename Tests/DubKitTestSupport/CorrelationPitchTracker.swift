import Foundation

/// An F0 tracker for tests, independent of the local engine's YIN analyser: the normalised
/// cross-correlation of 30 ms windows in the time domain (as RAPT's first pass), the shortest lag
/// whose peak is near the best one, a relative energy gate, on audio resampled to 8 kHz by ffmpeg.
public enum CorrelationPitchTracker {
    /// Analysis rate: enough for the F0 of speech, and cheap.
    public static let rate = 8_000
    public static let minF0 = 60.0
    public static let maxF0 = 420.0
    /// A frame is voiced when its best normalised correlation reaches this.
    public static let voicing = 0.7

    /// F0 in Hz per 10 ms frame of `url`'s audio, 0 where unvoiced or quiet.
    public static func track(_ url: URL) throws -> [Double] {
        track(try TestAudio.samples(url, rate: rate).samples)
    }

    /// Median F0 in Hz over the voiced frames of `url`'s audio (see ``median(_:)``), and how many frames counted.
    public static func median(_ url: URL) throws -> (f0: Double, voicedFrames: Int) {
        let voiced = try track(url).filter { $0 > 0 }
        return (median(voiced), voiced.count)
    }

    /// The median F0 of voiced frames, robust to stray periodic sounds: the median of the frames within
    /// an octave of the plain median (a whistle or a tone in a field recording is not the voice).
    public static func median(_ f0: [Double]) -> Double {
        let first = plainMedian(f0)
        return plainMedian(f0.filter { $0 >= first / 2 && $0 <= first * 2 })
    }

    private static func plainMedian(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// F0 per 10 ms frame of `x` sampled at ``rate``, 0 where unvoiced or more than 35 dB below the loud frames.
    public static func track(_ x: [Float]) -> [Double] {
        let window = 3 * rate / 100, hop = rate / 100
        let minLag = Int(Double(rate) / maxF0), maxLag = Int(Double(rate) / minF0) + 1
        let frames = (x.count - window - maxLag - 1) / hop
        guard frames > 0 else { return [] }
        // Running sums of squares give every window's energy in O(1).
        var squares = [Double](repeating: 0, count: x.count + 1)
        for i in 0..<x.count { squares[i + 1] = squares[i] + Double(x[i]) * Double(x[i]) }
        func energy(_ start: Int) -> Double { squares[start + window] - squares[start] }
        let energies = (0..<frames).map { energy($0 * hop) }
        let loud = energies.sorted()[min(frames - 1, frames * 95 / 100)]
        let gate = loud * pow(10, -3.5)
        return x.withUnsafeBufferPointer { p in
            (0..<frames).map { frame -> Double in
                let start = frame * hop
                let e0 = energies[frame]
                guard e0 > gate, e0 > 0 else { return 0 }
                var r = [Double](repeating: 0, count: maxLag + 2)
                var best = minLag
                for lag in minLag...(maxLag + 1) {
                    var dot: Float = 0
                    for n in 0..<window { dot += p[start + n] * p[start + lag + n] }
                    let e1 = energy(start + lag)
                    r[lag] = e1 > 0 ? Double(dot) / (e0 * e1).squareRoot() : 0
                    if lag <= maxLag, r[lag] > r[best] { best = lag }
                }
                guard r[best] >= voicing else { return 0 }
                // A periodic signal correlates at every multiple of its period: take the shortest lag
                // whose local peak is near the best one, so the F0 is not found an octave low.
                var chosen = best
                for lag in stride(from: minLag + 1, to: best, by: 1) where r[lag] >= 0.85 * r[best] && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1] {
                    chosen = lag
                    break
                }
                let a = r[chosen - 1], b = r[chosen], c = r[chosen + 1]
                let curvature = a - 2 * b + c
                let offset = curvature < 0 ? max(-0.5, min(0.5, 0.5 * (a - c) / curvature)) : 0
                let f0 = Double(rate) / (Double(chosen) + offset)
                return (minF0...maxF0).contains(f0) ? f0 : 0
            }
        }
    }
}
