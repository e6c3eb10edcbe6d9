import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

@Suite("joining chunks")
struct AudioJoinerTests {
    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
    }

    /// Writes mono samples as a 16-bit WAV.
    func wav(_ name: String, _ samples: [Float], rate: Int = 44_100, channels: Int = 1) throws -> URL {
        let url = dir.path(name)
        let writer = try PCMWAVWriter(url, sampleRate: rate, channels: channels)
        try writer.write(channels == 1 ? samples : samples.flatMap { Array(repeating: $0, count: channels) })
        try writer.finish()
        return url
    }

    /// A slice of `wav` written to its own file by ``PCMWAVSlice``.
    func slice(_ wav: URL, _ frames: Range<Int64>, name: String) throws -> URL {
        var bytes = Data()
        try PCMWAVSlice.write(wav, frames: frames) { bytes.append(contentsOf: $0) }
        let url = dir.path(name)
        try bytes.write(to: url)
        return url
    }

    /// Noise with a slow sweep in it: every sample differs from its neighbours.
    func signal(_ count: Int) -> [Float] {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        return (0..<count).map { index in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Float(Int64(bitPattern: state >> 11) % 1000) / 10_000
            return 0.4 * sin(Float(index) * 0.01 * (1 + Float(index) / 400_000)) + noise
        }
    }

    func maxJump(_ samples: ArraySlice<Float>) -> Float {
        zip(samples, samples.dropFirst()).map { abs($1 - $0) }.max() ?? 0
    }

    @Test("slices cut byte for byte and joined over their overlaps give back the source sample for sample")
    func reassembles() throws {
        let original = signal(441_000)
        let source = try wav("source.wav", original)
        // Cuts at 3 s and 7 s, each part reaching 20 ms (882 samples) past its cuts.
        let parts = [
            try slice(source, 0..<(132_300 + 882), name: "a.wav"),
            try slice(source, (132_300 - 882)..<(308_700 + 882), name: "b.wav"),
            try slice(source, (308_700 - 882)..<441_000, name: "c.wav"),
        ]
        let sliced = try TestAudio.samples(parts[1]).samples
        let expected = Array(try TestAudio.samples(source).samples[(132_300 - 882)..<(308_700 + 882)])
        #expect(sliced == expected)

        let joined = dir.path("joined.wav")
        let result = try AudioJoiner.join(parts, overlaps: [1764, 1764], sampleRate: 44_100, to: joined)
        #expect(result.frames == 441_000 && result.channels == 1)
        let back = try TestAudio.samples(joined).samples
        let reference = try TestAudio.samples(source).samples
        #expect(back.count == reference.count)
        let worst = zip(back, reference).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= 1.0 / 32768 + 1e-6, "differs by up to \(worst)")
    }

    @Test("two parts that disagree where they overlap are crossfaded without a click")
    func noClick() throws {
        // The same 440 Hz tone, the second part in opposite phase: spliced hard, the join would jump.
        let rate = 44_100
        let tone = { (phase: Float, range: Range<Int>) in range.map { 0.3 * sin(2 * Float.pi * 440 * Float($0) / Float(rate) + phase) } }
        // The cut falls near a crest of the tone, where a hard splice would jump the most.
        let cut = 44_125
        let first = try wav("first.wav", tone(0, 0..<(cut + 882)))
        let second = try wav("second.wav", tone(.pi, (cut - 882)..<88_200))
        let joined = dir.path("joined.wav")
        try AudioJoiner.join([first, second], overlaps: [1764], sampleRate: rate, to: joined)
        let samples = try TestAudio.samples(joined).samples
        #expect(samples.count == 88_200)
        let natural = maxJump(tone(0, 0..<2000)[...])
        let hardSplice = abs(tone(.pi, cut..<(cut + 1))[0] - tone(0, (cut - 1)..<cut)[0])
        let seam = maxJump(samples[(cut - 2205)..<(cut + 2205)])
        #expect(hardSplice > 5 * natural, "the test's parts would not click if spliced")
        #expect(seam <= natural * 1.1 + 1.0 / 16384, "a jump of \(seam) at the seam, the tone's own is \(natural)")
    }

    @Test("parts at other rates and channel counts are resampled and mixed to the first part's layout")
    func mixedFormats() throws {
        let first = try wav("mono.wav", signal(44_100))
        let second = try wav("stereo22.wav", Array(signal(22_050).map { $0 * 0.5 }), rate: 22_050, channels: 2)
        let joined = dir.path("joined.wav")
        let result = try AudioJoiner.join([first, second], overlaps: [441], sampleRate: 44_100, to: joined)
        #expect(result.channels == 1 && result.sampleRate == 44_100)
        #expect(abs(result.frames - (88_200 - 441)) <= 64, "\(result.frames) frames")
        #expect(try MediaProbe.probe(joined).audioStreams.first?.channels == 1)
    }

    @Test("overlaps that do not match the parts are refused")
    func refusesBadOverlaps() throws {
        let part = try wav("p.wav", signal(1000))
        #expect(throws: MediaError.self) { try AudioJoiner.join([part, part], overlaps: [], sampleRate: 44_100, to: dir.path("x.wav")) }
        #expect(throws: MediaError.self) { try AudioJoiner.join([], overlaps: [], sampleRate: 44_100, to: dir.path("y.wav")) }
    }
}
