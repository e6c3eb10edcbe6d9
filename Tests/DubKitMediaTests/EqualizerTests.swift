import DubKitMedia
import Foundation
import Testing

extension WAVReader {
    /// The amplitude (0...1 of full scale) of the `frequency` component of `channel` over the middle
    /// half of the signal (Goertzel), so filter onsets and tails do not count.
    func amplitude(at frequency: Double, channel index: Int = 0) -> Double {
        let all = channel(index)
        let values = all[(all.count / 4)..<(all.count * 3 / 4)]
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(sampleRate))
        var previous = 0.0, beforePrevious = 0.0
        for sample in values {
            let current = Double(sample) / 32768 + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        return 2 * power.squareRoot() / Double(values.count)
    }
}

private func decibels(_ ratio: Double) -> Double { 20 * log10(ratio) }

@Suite("EQ curve (firequalizer)")
struct EqualizerTests {
    /// A 2 s mono mix of a 300 Hz and a 2 kHz tone at 44.1 kHz.
    private func twoTones(in scratch: Scratch) throws -> URL {
        let source = scratch.url("two.wav")
        try FFmpegTool.run(FFmpegTool.tone(300, rate: 44_100) + FFmpegTool.tone(2_000, rate: 44_100)
            + ["-filter_complex", "amix=inputs=2", "-ac", "1", source.path])
        return source
    }

    @Test("a curve that cuts a band lowers a tone in it and leaves a tone outside it within 1 dB")
    func cutsABand() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = try twoTones(in: scratch)
        let output = scratch.url("eq.wav")
        let curve = EqualizerCurve([(100, 0), (1_000, 0), (1_600, -18), (2_500, -18), (4_000, 0)])
        try AudioProcessor.process(from: source, to: output, filters: [.equalizer(curve)])
        let before = try WAVReader(source)
        let after = try WAVReader(output)
        let cut = decibels(after.amplitude(at: 2_000) / before.amplitude(at: 2_000))
        let kept = decibels(after.amplitude(at: 300) / before.amplitude(at: 300))
        #expect(cut < -12, "the 2 kHz tone changed by \(cut) dB")
        #expect(abs(kept) < 1, "the 300 Hz tone changed by \(kept) dB")
        #expect(abs(after.durationSeconds - before.durationSeconds) < 0.05)
    }

    @Test("a boost raises the tone in its band", arguments: [6.0, 12.0])
    func boosts(gain: Double) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = try twoTones(in: scratch)
        let output = scratch.url("eq.wav")
        try AudioProcessor.process(from: source, to: output, filters: [.equalizer(EqualizerCurve([(150, gain), (600, 0)]))])
        let change = decibels(try WAVReader(output).amplitude(at: 300) / WAVReader(source).amplitude(at: 300))
        // 300 Hz lies a third of the way (in Hz) from the boost at 150 Hz to flat at 600 Hz.
        #expect(change > gain / 3 && change < gain, "the 300 Hz tone changed by \(change) dB")
    }

    @Test("bad curves are refused before anything is written", arguments: [
        ([], "at least one point"),
        ([(1_000, 0), (500, -3)], "above the previous"),
        ([(1_000, 0), (1_000, -3)], "above the previous"),
        ([(0, 0)], "positive"),
        ([(-50, 0)], "positive"),
        ([(1_000, 30)], "-24...24"),
        ([(1_000, -25)], "-24...24"),
        ([(1_000, 0), (22_050, -6)], "Nyquist"),
    ] as [([(Double, Double)], String)])
    func refusesBadCurves(points: [(Double, Double)], reason: String) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = try twoTones(in: scratch)
        let output = scratch.url("eq.wav")
        let curve = EqualizerCurve(points.map { (frequencyHz: $0.0, gainDB: $0.1) })
        #expect {
            try AudioProcessor.process(from: source, to: output, filters: [.equalizer(curve)])
        } throws: { error in
            guard case let .invalidFilter(_, message) = error as? MediaError else { return false }
            return message.contains(reason)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(scratch.contents() == ["two.wav"])
    }
}
