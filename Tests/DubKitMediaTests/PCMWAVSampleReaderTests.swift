import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

@Suite("PCMWAVSampleReader: a 16-bit WAV's samples in blocks, with seeking")
struct PCMWAVSampleReaderTests {
    /// A ramp of distinct 16-bit values, so a misplaced block or byte shows.
    private static func ramp(_ count: Int) -> [Float] { (0..<count).map { Float(($0 * 37) % 65_536 - 32_768) / 32_768 } }

    @Test("what PCMWAVWriter wrote reads back sample for sample, in blocks and after seeking")
    func roundTripAndSeek() throws {
        let dir = try TemporaryDirectory("pcm-samples")
        let url = dir.path("ramp.wav")
        let samples = Self.ramp(10_001)
        let writer = try PCMWAVWriter(url, sampleRate: 22_050)
        try writer.write(samples)
        try writer.finish()

        let reader = try PCMWAVSampleReader(url)
        #expect(reader.sampleRate == 22_050 && reader.channels == 1 && reader.isPlainPCM && reader.frameCount == 10_001)
        var read: [Float] = []
        while true {
            let block = try reader.read(4096)
            if block.isEmpty { break }
            read += block
        }
        #expect(read == samples && reader.remainingFrames == 0)
        try reader.seek(toFrame: 7_000)
        #expect(try reader.read(5) == Array(samples[7_000..<7_005]) && reader.remainingFrames == 2_996)
        try reader.seek(toFrame: 50_000)
        #expect(try reader.read(10).isEmpty)
    }

    @Test("stereo is interleaved; a streamed header's unset data size runs to the end of the file")
    func stereoAndStreamed() throws {
        let dir = try TemporaryDirectory("pcm-samples")
        let url = dir.path("stereo.wav")
        let samples = Self.ramp(2_000)
        let writer = try PCMWAVWriter(url, sampleRate: 8_000, channels: 2)
        try writer.write(samples)
        try writer.finish()
        var bytes = try Data(contentsOf: url)
        bytes.replaceSubrange(40..<44, with: [0xFF, 0xFF, 0xFF, 0xFF])
        try bytes.write(to: url)

        let reader = try PCMWAVSampleReader(url)
        #expect(reader.channels == 2 && reader.frameCount == 1_000)
        #expect(try reader.read(1_000) == samples)
    }

    @Test("a WAV that is not 16-bit PCM is refused, naming the file")
    func refusesOtherFormats() throws {
        let dir = try TemporaryDirectory("pcm-samples")
        let raw = dir.path("mulaw.raw"), wav = dir.path("mulaw.wav")
        try Data(repeating: 0x7F, count: 800).write(to: raw)
        try RawAudioWAV.wrap(raw, encoding: .muLaw, sampleRate: 8_000, to: wav)
        #expect {
            _ = try PCMWAVSampleReader(wav)
        } throws: { error in
            guard case let .unsupportedCodec(path, _) = error as? MediaError else { return false }
            return path == wav.path
        }
    }
}
