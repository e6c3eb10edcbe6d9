import Foundation

/// Audio decoded for measurement by the ffmpeg program (a test tool), independently of DubKit's own
/// decoding: mono float samples at a chosen rate, and simple level figures.
public enum TestAudio {
    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    /// The sample rate of the first audio stream of `url`, read by ffprobe.
    public static func sampleRate(_ url: URL) throws -> Int {
        let result = try ChildProcess.run("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "a:0", "-show_entries",
                                                               "stream=sample_rate", "-of", "csv=p=0", url.path])
        guard result.status == 0, let rate = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failed(description: "ffprobe found no audio rate in \(url.path): \(result.stderr.suffix(300))")
        }
        return rate
    }

    /// All of `url`'s first audio stream, mixed to mono and resampled to `rate` (its own rate when nil).
    public static func samples(_ url: URL, rate: Int? = nil) throws -> (samples: [Float], rate: Int) {
        let rate = try rate ?? sampleRate(url)
        let raw = FileManager.default.temporaryDirectory.appendingPathComponent("test-audio-\(UUID().uuidString).f32")
        defer { try? FileManager.default.removeItem(at: raw) }
        let result = try ChildProcess.run("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-i", url.path,
                                                              "-map", "0:a:0", "-ac", "1", "-ar", String(rate), "-f", "f32le", "-y", raw.path])
        guard result.status == 0, let data = try? Data(contentsOf: raw) else {
            throw Failed(description: "ffmpeg could not decode \(url.path): \(result.stderr.suffix(300))")
        }
        let samples = data.withUnsafeBytes { bytes in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        return (samples, rate)
    }

    /// RMS level in dBFS (-200 for digital silence).
    public static func level(_ samples: ArraySlice<Float>) -> Double {
        guard !samples.isEmpty else { return -200 }
        let power = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
        return power > 0 ? 10 * log10(power) : -200
    }

    /// Stretches (sample ranges) at least `minimum` seconds long in which every 10 ms block is below
    /// `threshold` dBFS: the pauses of a clean recording.
    public static func quietStretches(_ samples: [Float], rate: Int, threshold: Double = -70, minimum: Double = 0.15) -> [Range<Int>] {
        let block = max(1, rate / 100)
        var stretches: [Range<Int>] = []
        var start: Int?
        var index = 0
        while index + block <= samples.count {
            let quiet = level(samples[index..<(index + block)]) < threshold
            if quiet, start == nil { start = index }
            if !quiet, let s = start {
                if index - s >= Int(minimum * Double(rate)) { stretches.append(s..<index) }
                start = nil
            }
            index += block
        }
        if let s = start, index - s >= Int(minimum * Double(rate)) { stretches.append(s..<index) }
        return stretches
    }

    /// The level (dB) of the `frequency` Hz component of `samples` (Goertzel over the whole slice),
    /// relative to a full-scale sine at that frequency.
    public static func toneLevel(_ samples: ArraySlice<Float>, rate: Int, frequency: Double) -> Double {
        guard !samples.isEmpty else { return -200 }
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(rate))
        var (previous, beforePrevious) = (0.0, 0.0)
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        let amplitude = 2 * power.squareRoot() / Double(samples.count)
        return amplitude > 0 ? 20 * log10(amplitude) : -200
    }

    /// Cents from `b` to `a`.
    public static func cents(_ a: Double, over b: Double) -> Double { 1200 * log2(a / b) }
}
