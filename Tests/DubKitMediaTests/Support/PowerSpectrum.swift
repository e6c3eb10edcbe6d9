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
            Self.transform(&real, &imaginary)
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

    /// In-place radix-2 FFT.
    private static func transform(_ real: inout [Double], _ imaginary: inout [Double]) {
        let n = real.count
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { real.swapAt(i, j); imaginary.swapAt(i, j) }
        }
        var length = 2
        while length <= n {
            let angle = -2 * Double.pi / Double(length)
            for start in stride(from: 0, to: n, by: length) {
                for k in 0..<length / 2 {
                    let (c, s) = (cos(angle * Double(k)), sin(angle * Double(k)))
                    let (a, b) = (start + k, start + k + length / 2)
                    let tr = real[b] * c - imaginary[b] * s
                    let ti = real[b] * s + imaginary[b] * c
                    real[b] = real[a] - tr
                    imaginary[b] = imaginary[a] - ti
                    real[a] += tr
                    imaginary[a] += ti
                }
            }
            length <<= 1
        }
    }
}
