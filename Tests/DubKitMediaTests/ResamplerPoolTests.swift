@testable import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// Reading samples reuses rate converters; a reused one must convert exactly as a new one does.
@Suite("Resampler reuse", .serialized)
struct ResamplerPoolTests {
    /// Every sample of `url` at `rate`, planes concatenated.
    static func samples(_ url: URL, rate: Int) throws -> [Float] {
        let reader = try AudioSampleReader(url, sampleRate: rate)
        var all: [Float] = []
        while true {
            let planes = try reader.read()
            guard let first = planes.first, !first.isEmpty else { return all }
            for plane in planes { all += plane }
        }
    }

    @Test("files read with reused converters give the same samples, bit for bit, as with new ones")
    func reusedMatchesNew() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var files: [URL] = []
        for (index, source) in ["sine=frequency=220:sample_rate=44100:duration=1.3",
                                "anoisesrc=color=pink:sample_rate=44100:duration=0.7:seed=7",
                                "sine=frequency=3000:sample_rate=44100:duration=2.1"].enumerated() {
            let url = scratch.url("in-\(index).wav")
            try FFmpegTool.run(["-f", "lavfi", "-i", source, "-ac", "2", "-c:a", "pcm_s16le", url.path])
            files.append(url)
        }
        let pool = ResamplerPool.shared
        defer { pool.isEnabled = true }
        for rate in [16_000, 22_050, 48_000] {
            pool.isEnabled = false
            let fresh = try files.map { try Self.samples($0, rate: rate) }
            pool.isEnabled = true
            let before = pool.reuses
            // Twice over, in another order: later reads get the converters earlier ones gave back.
            for index in [2, 0, 1, 1, 2, 0] {
                #expect(try Self.samples(files[index], rate: rate) == fresh[index], "file \(index) at \(rate) Hz")
            }
            #expect(pool.reuses - before >= 5, "converters were reused")
        }
    }
}
