import DubKitMedia
import Foundation

/// Waveform and spectrogram pictures of a recording, drawn from its decoded audio.
public enum AudioPictures {
    /// The analysis rate: enough for speech, and small.
    static let sampleRate = 16_000

    /// Draws both pictures of `audio` (any media file) as PNG data: (waveform, spectrogram).
    public static func draw(_ audio: URL, width: Int = 540, height: Int = 110) throws -> (waveform: Data, spectrogram: Data) {
        let samples = try monoSamples(audio)
        return (waveform(samples, width: width, height: height).data, spectrogram(samples, width: width, height: 2 * height).data)
    }

    static func monoSamples(_ url: URL) throws -> [Float] {
        let reader = try AudioSampleReader(url, sampleRate: sampleRate)
        var samples: [Float] = []
        while true {
            let planes = try reader.read()
            let count = planes.first?.count ?? 0
            if count == 0 { return samples }
            for index in 0..<count {
                var sum: Float = 0
                for plane in planes { sum += plane[index] }
                samples.append(sum / Float(planes.count))
            }
        }
    }

    /// Each column shows the lowest and highest sample of its stretch, around a centre line.
    static func waveform(_ samples: [Float], width: Int, height: Int) -> PNGImage {
        var image = PNGImage(width: width, height: height, background: (250, 250, 252))
        let middle = height / 2
        for x in 0..<width { image.set(x, middle, (200, 200, 210)) }
        guard !samples.isEmpty else { return image }
        for x in 0..<width {
            let start = samples.count * x / width
            let end = max(start + 1, samples.count * (x + 1) / width)
            let slice = samples[start..<min(end, samples.count)]
            let low = Int((Float(middle) * (1 - (slice.min() ?? 0))).rounded())
            let high = Int((Float(middle) * (1 - (slice.max() ?? 0))).rounded())
            for y in min(low, high)...max(low, high) { image.set(x, y, (40, 90, 200)) }
        }
        return image
    }

    /// Time across, frequency up (0 to 8 kHz), level as colour over a 70 dB range.
    static func spectrogram(_ samples: [Float], width: Int, height: Int) -> PNGImage {
        var image = PNGImage(width: width, height: height, background: (10, 10, 30))
        let size = 512
        let bins = size / 2
        guard samples.count >= size else { return image }
        let window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size - 1))) }
        let frames = (samples.count - size) / (size / 2) + 1
        var columns: [[Float]] = []
        for x in 0..<width {
            let frame = min(frames - 1, frames * x / width)
            let start = frame * size / 2
            var real = (0..<size).map { samples[start + $0] * window[$0] }
            var imaginary = [Float](repeating: 0, count: size)
            SmallFFT.transform(&real, &imaginary)
            columns.append((0..<bins).map { 10 * log10(max(real[$0] * real[$0] + imaginary[$0] * imaginary[$0], 1e-12)) })
        }
        let peak = columns.flatMap { $0 }.max() ?? 0
        for (x, column) in columns.enumerated() {
            for y in 0..<height {
                let bin = min(bins - 1, (height - 1 - y) * bins / height)
                let level = max(0, min(1, (column[bin] - peak + 70) / 70))
                image.set(x, y, heat(level))
            }
        }
        return image
    }

    /// Dark blue through red to yellow.
    static func heat(_ level: Float) -> (UInt8, UInt8, UInt8) {
        let r = min(1, level * 2), g = max(0, level * 2 - 1), b = max(0, 0.5 - level)
        return (UInt8(r * 255), UInt8(g * 255), UInt8(30 + b * 200))
    }
}

/// An in-place radix-2 FFT for the spectrogram (power-of-two sizes).
enum SmallFFT {
    static func transform(_ real: inout [Float], _ imaginary: inout [Float]) {
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
            let angle = -2 * Float.pi / Float(length)
            for start in stride(from: 0, to: n, by: length) {
                for k in 0..<(length / 2) {
                    let wr = cos(angle * Float(k)), wi = sin(angle * Float(k))
                    let a = start + k, b = a + length / 2
                    let tr = real[b] * wr - imaginary[b] * wi
                    let ti = real[b] * wi + imaginary[b] * wr
                    real[b] = real[a] - tr; imaginary[b] = imaginary[a] - ti
                    real[a] += tr; imaginary[a] += ti
                }
            }
            length <<= 1
        }
    }
}
