import DubKitMedia
import Foundation

/// Waveform and spectrogram pictures of a recording, drawn from its decoded audio in one streaming
/// pass: memory stays the same whatever the recording's length.
public enum AudioPictures {
    /// The analysis rate: enough for speech, and small.
    static let sampleRate = 16_000
    /// Samples per spectrogram frame (a Hann window), frames half overlapping.
    static let frameSize = 512

    /// Draws both pictures of `audio` (any media file) as PNG data: (waveform, spectrogram).
    public static func draw(_ audio: URL, width: Int = 540, height: Int = 110) throws -> (waveform: Data, spectrogram: Data) {
        // The header's duration places each column before the samples arrive.
        let seconds = (try? MediaProbe.probe(audio))?.durationSeconds ?? 0
        var canvas = Canvas(expectedSamples: Int(seconds * Double(sampleRate)), width: width, height: height)
        let reader = try AudioSampleReader(audio, sampleRate: sampleRate)
        while true {
            let planes = try reader.read()
            let count = planes.first?.count ?? 0
            if count == 0 { break }
            let scale = 1 / Float(planes.count)
            for index in 0..<count {
                var sum: Float = 0
                for plane in planes { sum += plane[index] }
                canvas.add(sum * scale)
            }
        }
        return (try canvas.waveform().pngData(path: audio.path + " (waveform)"),
                try canvas.spectrogram().pngData(path: audio.path + " (spectrogram)"))
    }

    /// What the two pictures need, gathered sample by sample: each waveform column's lowest and
    /// highest sample, and each spectrogram column's spectrum, taken as soon as its frame has arrived.
    struct Canvas {
        let width: Int
        let height: Int
        private let expected: Int
        private let frames: Int
        private var low: [Float]
        private var high: [Float]
        private(set) var columns: [[Float]?]
        private var recent: [Float]
        private var received = 0
        private var nextColumn = 0
        private let window: [Float]
        /// The shared real-input transform (DubKitMedia), reused frame after frame.
        private let fft = RealFFT(size: AudioPictures.frameSize)!

        init(expectedSamples: Int, width: Int, height: Int) {
            self.width = max(1, width)
            self.height = max(1, height)
            expected = max(expectedSamples, 1)
            frames = expectedSamples >= AudioPictures.frameSize ? (expectedSamples - AudioPictures.frameSize) / (AudioPictures.frameSize / 2) + 1 : 0
            low = [Float](repeating: 0, count: self.width)
            high = [Float](repeating: 0, count: self.width)
            columns = [[Float]?](repeating: nil, count: self.width)
            recent = [Float](repeating: 0, count: AudioPictures.frameSize)
            let size = AudioPictures.frameSize
            window = (0..<size).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size - 1))) }
        }

        /// The frame whose spectrum column `x` shows.
        private func frame(ofColumn x: Int) -> Int { min(frames - 1, frames * x / width) }

        mutating func add(_ sample: Float) {
            let x = min(width - 1, received * width / expected)
            low[x] = min(low[x], sample)
            high[x] = max(high[x], sample)
            recent[received % AudioPictures.frameSize] = sample
            received += 1
            // Columns whose frame ends here: the last `frameSize` samples are that frame.
            while nextColumn < width, frames > 0,
                  frame(ofColumn: nextColumn) * (AudioPictures.frameSize / 2) + AudioPictures.frameSize == received {
                if nextColumn > 0, frame(ofColumn: nextColumn - 1) == frame(ofColumn: nextColumn) {
                    columns[nextColumn] = columns[nextColumn - 1]
                } else {
                    columns[nextColumn] = spectrum()
                }
                nextColumn += 1
            }
        }

        /// The power spectrum (dB) of the last `frameSize` samples, in order.
        private func spectrum() -> [Float] {
            let size = AudioPictures.frameSize
            let oldest = received % size
            let frame = (0..<size).map { recent[(oldest + $0) % size] * window[$0] }
            let (real, imaginary) = fft.forward(frame)
            return (0..<(size / 2)).map { 10 * log10(max(real[$0] * real[$0] + imaginary[$0] * imaginary[$0], 1e-12)) }
        }

        /// Each column shows the lowest and highest sample of its stretch, around a centre line.
        func waveform() -> PNGImage {
            var image = PNGImage(width: width, height: height, background: (250, 250, 252))
            let middle = height / 2
            for x in 0..<width { image.set(x, middle, (200, 200, 210)) }
            guard received > 0 else { return image }
            for x in 0..<min(width, (received * width + expected - 1) / expected) {
                let top = Int((Float(middle) * (1 - high[x])).rounded())
                let bottom = Int((Float(middle) * (1 - low[x])).rounded())
                for y in min(top, bottom)...max(top, bottom) { image.set(x, y, (40, 90, 200)) }
            }
            return image
        }

        /// Time across, frequency up (0 to 8 kHz), level as colour over a 70 dB range.
        func spectrogram() -> PNGImage {
            var image = PNGImage(width: width, height: 2 * height, background: (10, 10, 30))
            let drawn = columns.compactMap { $0 }
            guard let peak = drawn.flatMap({ $0 }).max() else { return image }
            let bins = AudioPictures.frameSize / 2
            for (x, column) in columns.enumerated() {
                guard let column else { continue }
                for y in 0..<image.height {
                    let bin = min(bins - 1, (image.height - 1 - y) * bins / image.height)
                    let level = max(0, min(1, (column[bin] - peak + 70) / 70))
                    image.set(x, y, heat(level))
                }
            }
            return image
        }
    }

    /// Dark blue through red to yellow.
    static func heat(_ level: Float) -> (UInt8, UInt8, UInt8) {
        let r = min(1, level * 2), g = max(0, level * 2 - 1), b = max(0, 0.5 - level)
        return (UInt8(r * 255), UInt8(g * 255), UInt8(30 + b * 200))
    }
}
