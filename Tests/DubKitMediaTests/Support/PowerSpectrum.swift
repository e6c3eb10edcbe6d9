import DubKitTestSupport
import Foundation

/// The average power spectrum of one channel of a WAV (Hann-windowed 2048-sample frames, half
/// overlapping), for checks that need more than a tone's frequency: band levels and the centroid.
struct PowerSpectrum {
    static let size = 2048
    /// Power per bin, bin `k` at `k × sampleRate / size` Hz.
    let power: [Double]
    let sampleRate: Int

    init(_ wav: WAVReader, channel: Int = 0) {
        let values = wav.channel(channel).map { Double($0) / 32768 }
        let n = Self.size
        let window = (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n)) }
        var sum = [Double](repeating: 0, count: n / 2)
        var frames = 0
        var start = 0
        while start + n <= values.count {
            var real = (0..<n).map { values[start + $0] * window[$0] }
            var imaginary = [Double](repeating: 0, count: n)
            TestFFT.transform(&real, &imaginary)
            for k in 0..<n / 2 { sum[k] += real[k] * real[k] + imaginary[k] * imaginary[k] }
            frames += 1
            start += n / 2
        }
        power = sum.map { $0 / Double(max(frames, 1)) }
        sampleRate = wav.sampleRate
    }

    /// Total power between `low` and `high` Hz, in dB.
    func bandLevel(from low: Double, to high: Double) -> Double {
        let total = power.indices.filter { (low..<high).contains(frequency($0)) }.reduce(0.0) { $0 + power[$1] }
        return 10 * log10(max(total, 1e-20))
    }

    /// The power-weighted mean frequency between `low` and `high` Hz.
    func centroid(from low: Double = 0, to high: Double = .infinity) -> Double {
        let bins = power.indices.filter { (low..<high).contains(frequency($0)) }
        let total = bins.reduce(0.0) { $0 + power[$1] }
        return bins.reduce(0.0) { $0 + frequency($1) * power[$1] } / max(total, 1e-20)
    }

    private func frequency(_ bin: Int) -> Double {
        Double(bin) * Double(sampleRate) / Double(Self.size)
    }
}
