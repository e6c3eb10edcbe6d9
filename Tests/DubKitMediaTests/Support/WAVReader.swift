import Foundation

/// Reads back a 16-bit PCM WAV the extractor wrote, and measures a tone's frequency in it.
struct WAVReader {
    struct Invalid: Error {}

    var sampleRate = 0
    var channels = 0
    var bitsPerSample = 0
    var formatTag = 0
    /// Interleaved samples as read (16-bit only).
    var samples: [Int16] = []

    init(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        guard bytes.count >= 12, String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF",
              String(decoding: bytes[8..<12], as: UTF8.self) == "WAVE" else { throw Invalid() }
        func le(_ offset: Int, _ count: Int) -> Int {
            (0..<count).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = le(offset + 4, 4)
            let body = offset + 8
            if id == "fmt " {
                formatTag = le(body, 2)
                channels = le(body + 2, 2)
                sampleRate = le(body + 4, 4)
                bitsPerSample = le(body + 14, 2)
            } else if id == "data" {
                let end = min(body + size, bytes.count)
                if bitsPerSample == 16 {
                    samples = stride(from: body, to: end - 1, by: 2).map { Int16(bitPattern: UInt16(le($0, 2))) }
                }
                break
            }
            offset = body + size + (size & 1)
        }
        guard sampleRate > 0, channels > 0 else { throw Invalid() }
    }

    /// Frames (samples per channel) in the data chunk.
    var frames: Int {
        samples.count / max(channels, 1)
    }

    var durationSeconds: Double {
        Double(frames) / Double(sampleRate)
    }

    /// One channel's samples.
    func channel(_ index: Int) -> [Int16] {
        stride(from: index, to: samples.count, by: channels).map { samples[$0] }
    }

    /// The dominant frequency of `channel`, from upward zero crossings over the middle half of the
    /// signal (skipping onset and tail transients; exact enough for a pure tone).
    func toneFrequency(channel index: Int = 0) -> Double {
        let all = channel(index)
        let values = Array(all[(all.count / 4)..<(all.count * 3 / 4)])
        guard values.count > 2 else { return 0 }
        var crossings: [Int] = []
        for i in 1..<values.count where values[i - 1] < 0 && values[i] >= 0 {
            crossings.append(i)
        }
        guard let first = crossings.first, let last = crossings.last, last > first else { return 0 }
        return Double(crossings.count - 1) * Double(sampleRate) / Double(last - first)
    }

    /// Root-mean-square level of `channel` (0...1 of full scale).
    func rms(channel index: Int = 0) -> Double {
        let values = channel(index)
        guard !values.isEmpty else { return 0 }
        let sum = values.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(values.count)).squareRoot() / 32768
    }
}
