@testable import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// Plain 16-bit WAV files are read without FFmpeg's demuxer when asked for plain PCM; the samples
/// must be those FFmpeg decodes, bit for bit, and anything else must still go through FFmpeg.
@Suite("Plain PCM WAV reading")
struct PCMWAVReaderTests {
    static func samples(_ url: URL, rate: Int?, plainPCM: Bool) throws -> [[Float]] {
        let reader = try AudioSampleReader(url, sampleRate: rate, plainPCM: plainPCM)
        var planes: [[Float]] = Array(repeating: [], count: reader.channels)
        while true {
            let block = try reader.read()
            guard let first = block.first, !first.isEmpty else { return planes }
            for (index, plane) in block.enumerated() { planes[index] += plane }
        }
    }

    /// A RIFF/WAVE file built by hand: `chunks` between the header and the data chunk.
    static func handMade(_ url: URL, channels: Int, rate: Int, frames: Int, extraDataBytes: Int = 0,
                         chunks: [(String, [UInt8])] = []) throws {
        func le(_ value: Int, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        var body: [UInt8] = Array("WAVE".utf8)
        body += Array("fmt ".utf8) + le(16, 4) + le(1, 2) + le(channels, 2) + le(rate, 4) + le(rate * channels * 2, 4)
            + le(channels * 2, 2) + le(16, 2)
        for (id, content) in chunks {
            body += Array(id.utf8) + le(content.count, 4) + content + (content.count % 2 == 1 ? [0] : [])
        }
        var data: [UInt8] = []
        for index in 0..<(frames * channels) {
            let value = Int(sin(Double(index) * 0.013) * 12_000) + (index % 7) * 300
            data += le(value, 2)
        }
        data += Array(repeating: 0x11, count: extraDataBytes)
        body += Array("data".utf8) + le(data.count, 4) + data + (data.count % 2 == 1 ? [0] : [])
        try Data(Array("RIFF".utf8) + le(body.count, 4) + body).write(to: url)
    }

    @Test("16-bit files of every shape give FFmpeg's samples at every rate")
    func sameAsFFmpeg() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var files: [URL] = []
        for (name, arguments) in [
            ("mono-44100", ["-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100:duration=1.3"]),
            ("stereo-48000", ["-f", "lavfi", "-i", "anoisesrc=color=pink:sample_rate=48000:duration=0.7001:seed=3", "-ac", "2"]),
            ("short-8000", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=0.1"]),
            ("stereo-22050", ["-f", "lavfi", "-i", "sine=frequency=330:sample_rate=22050:duration=0.9", "-ac", "2"]),
            ("tagged", ["-f", "lavfi", "-i", "sine=frequency=500:sample_rate=16000:duration=0.5", "-metadata", "title=Ünï"]),
        ] {
            let url = scratch.url("\(name).wav")
            try FFmpegTool.run(arguments + ["-c:a", "pcm_s16le", url.path])
            files.append(url)
        }
        let junk = scratch.url("junk.wav")
        try Self.handMade(junk, channels: 2, rate: 32_000, frames: 5_001, chunks: [("junk", [1, 2, 3]), ("LIST", Array("INFOxxxx".utf8))])
        let many = scratch.url("many.wav")
        try Self.handMade(many, channels: 5, rate: 11_025, frames: 3_001)
        files += [junk, many]
        for file in files {
            #expect(PCMWAVReader.reader(for: file) != nil, "\(file.lastPathComponent) is read directly")
            if PCMWAVReader.reader(for: file) == nil { continue }
            for rate in [nil, 16_000, 44_100] {
                let direct = try Self.samples(file, rate: rate, plainPCM: true)
                let decoded = try Self.samples(file, rate: rate, plainPCM: false)
                #expect(!direct[0].isEmpty)
                #expect(direct == decoded, "\(file.lastPathComponent) at \(rate.map(String.init) ?? "its own rate")")
            }
        }
    }

    @Test("other WAVs (24-bit, float, extensible, empty, cut short) still go through FFmpeg")
    func othersGoThroughFFmpeg() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        for (name, codec, extra) in [("s24", "pcm_s24le", [String]()), ("f32", "pcm_f32le", []),
                                     ("extensible", "pcm_s16le", ["-ac", "3"])] {
            let url = scratch.url("\(name).wav")
            try FFmpegTool.run(["-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100:duration=0.4"] + extra + ["-c:a", codec, url.path])
            #expect(PCMWAVReader.reader(for: url) == nil, "\(name)")
            #expect(try Self.samples(url, rate: 16_000, plainPCM: true) == Self.samples(url, rate: 16_000, plainPCM: false))
        }
        let empty = scratch.url("empty.wav")
        try Self.handMade(empty, channels: 1, rate: 8_000, frames: 0)
        #expect(PCMWAVReader.reader(for: empty) == nil)
        let whole = scratch.url("whole.wav")
        try Self.handMade(whole, channels: 1, rate: 8_000, frames: 4_000)
        let bytes = try Data(contentsOf: whole)
        let cut = scratch.url("cut.wav")
        try bytes.prefix(bytes.count - 100).write(to: cut)
        #expect(PCMWAVReader.reader(for: cut) == nil)
        #expect(throws: MediaError.self) { try AudioSampleReader(cut, plainPCM: true) }
        // A partial sample at the end: FFmpeg's decoder refuses it, so the direct reader leaves it to FFmpeg.
        let odd = scratch.url("odd.wav")
        try Self.handMade(odd, channels: 1, rate: 11_025, frames: 3_000, extraDataBytes: 1)
        #expect(PCMWAVReader.reader(for: odd) == nil)
        #expect(throws: MediaError.self) { try Self.samples(odd, rate: nil, plainPCM: true) }
    }
}
