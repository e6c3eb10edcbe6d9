import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// The kinds of programme the loudness tests measure and level.
enum LoudnessFixture: String, CaseIterable, Sendable {
    /// espeak-ng speech as it comes (about -20 LUFS, peaks near -2 dBFS).
    case speech
    /// The speech compressed and raised (about -9 LUFS, peaks at full scale).
    case loudSpeech
    /// Plucked-string chords from sox's synth, a few seconds each.
    case music
    /// The speech 35 dB down (about -55 LUFS).
    case quiet

    /// Writes the fixture at `rate` Hz with `channels` channels (stereo with unequal channels) into `scratch`.
    func make(rate: Int, channels: Int, in scratch: Scratch) throws -> URL {
        let raw = scratch.url("\(rawValue)-raw.wav")
        switch self {
        case .speech, .loudSpeech, .quiet:
            try Self.run("/usr/bin/espeak-ng", ["-w", raw.path, "The quick brown fox jumps over the lazy dog. A dubbing toolkit measures loudness once, then sets one gain, and a limiter holds the peaks."])
        case .music:
            // The sox manual's guitar chord, then two more, joined.
            var parts: [String] = []
            for (index, notes) in [["G2", "B2", "D3", "G3", "D4", "G4"], ["C3", "E3", "G3", "C4", "E4"], ["D3", "A3", "D4", "F#4"]].enumerated() {
                let part = scratch.url("chord\(index).wav")
                try Self.run("/usr/bin/sox", ["-n", "-r", "44100", "-c", "1", part.path, "synth", "3"]
                    + notes.flatMap { ["pluck", $0] } + ["delay"] + notes.indices.map { String(format: "%.2f", Double($0) * 0.05) }
                    + ["remix", "-", "fade", "0", "3", "0.1", "norm", "-3"])
                parts.append(part.path)
            }
            try Self.run("/usr/bin/sox", parts + [raw.path])
        }
        let shaped = scratch.url("\(rawValue)-shaped.wav")
        switch self {
        case .loudSpeech:
            try Self.run("/usr/bin/sox", [raw.path, shaped.path, "compand", "0.005,0.1", "-70,-70,-40,-16,-20,-6,0,-2", "norm", "-0.1"])
        case .quiet:
            try Self.run("/usr/bin/sox", [raw.path, shaped.path, "vol", "-35", "dB"])
        case .speech, .music:
            try FileManager.default.copyItem(at: raw, to: shaped)
        }
        let output = scratch.url("\(rawValue)-\(rate)-\(channels).wav")
        // Stereo: the right channel 4 dB down and a little late, so the channels differ.
        let layout = channels == 2 ? ["-af", "pan=stereo|c0=c0|c1=0.63*c0,adelay=0|3"] : ["-ac", "1"]
        try FFmpegTool.run(["-i", shaped.path] + layout + ["-ar", String(rate), "-c:a", "pcm_s16le", output.path])
        return output
    }

    private static func run(_ program: String, _ arguments: [String]) throws {
        let result = try ChildProcess.run(program, arguments)
        guard result.status == 0 else { throw FFmpegTool.Failed(description: "\(program) \(arguments): \(result.stderr)") }
    }
}

/// Every fixture at 44.1 and 48 kHz, mono and stereo.
private let fixtureCases: [(LoudnessFixture, Int, Int)] = LoudnessFixture.allCases.flatMap { kind in
    [(44_100, 1), (48_000, 1), (44_100, 2), (48_000, 2)].map { (kind, $0.0, $0.1) }
}

@Suite("loudness: one-pass meter and levelling, checked against ffmpeg's ebur128")
struct LoudnessTests {
    @Test("the meter reads what ebur128 reads: integrated within 0.1 LU, true peak within 0.2 dB", arguments: fixtureCases)
    func meterAgrees(kind: LoudnessFixture, rate: Int, channels: Int) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = try kind.make(rate: rate, channels: channels, in: scratch)
        let ours = try await LoudnessLeveler.measure(input)
        let reference = try EBUR128.report(input)
        print("meter \(kind) \(rate) Hz \(channels) ch: ours \(ours), ebur128 \(reference)")
        let integrated = try #require(ours.integrated)
        #expect(abs(integrated - reference.integrated) <= 0.1, "\(integrated) LUFS, ebur128 \(reference)")
        let truePeak = try #require(ours.truePeak)
        #expect(abs(truePeak - reference.truePeak) <= 0.2, "\(truePeak) dBTP, ebur128 \(reference)")
        #expect(abs(ours.range - reference.range) <= 1, "LRA \(ours.range), ebur128 \(reference)")
        #expect(abs(ours.durationSeconds - (try #require(MediaProbe.probe(input).durationSeconds))) < 0.01)
    }

    @Test("levelling lands within 0.5 LU of the target with the true peak under the ceiling, by ebur128",
          arguments: LoudnessFixture.allCases.flatMap { kind in [(kind, -16.0, 44_100, 1), (kind, -23.0, 48_000, 2), (kind, -14.0, 48_000, 1)] })
    func levelling(kind: LoudnessFixture, target: Double, rate: Int, channels: Int) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = try kind.make(rate: rate, channels: channels, in: scratch)
        let output = scratch.url("levelled.wav")
        let goal = LoudnessTarget(integrated: target, truePeak: -1.5)
        let result = try await LoudnessLeveler.level(input, to: output, target: goal)
        let reference = try EBUR128.report(output)
        print("level \(kind) \(rate) Hz \(channels) ch to \(target): gain \(result.gain) dB, \(result.passes) passes, limited \(result.limitedSeconds) s (\(result.deepestReduction) dB); ebur128 \(reference)")
        #expect(abs(reference.integrated - target) <= 0.5, "\(reference) for a target of \(target)")
        #expect(reference.truePeak <= goal.truePeak, "\(reference)")
        // What the leveller says it wrote is what ebur128 finds.
        #expect(abs((result.after.integrated ?? 0) - reference.integrated) <= 0.1, "\(result.after) vs \(reference)")
        // The output keeps the input's rate, channels and length.
        let info = try MediaProbe.probe(output)
        #expect(info.audioStreams.first?.sampleRate == rate && info.audioStreams.first?.channels == channels)
        let inputSeconds = try #require(MediaProbe.probe(input).durationSeconds)
        #expect(abs((info.durationSeconds ?? 0) - inputSeconds) < 0.001)
    }

    @Test("a gain the peaks forbid goes through the limiter, and a further pass wins back what it took")
    func limited() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = try LoudnessFixture.speech.make(rate: 48_000, channels: 1, in: scratch)
        let before = try await LoudnessLeveler.measure(input)
        let output = scratch.url("loud.wav")
        let goal = LoudnessTarget(integrated: -14, truePeak: -1)
        // The case at hand: the plain gain would take the peaks well over the ceiling.
        #expect(try #require(before.truePeak) + (goal.integrated - (try #require(before.integrated))) > goal.truePeak + 3)
        let result = try await LoudnessLeveler.level(input, to: output, target: goal)
        let reference = try EBUR128.report(output)
        print("limited: \(result); ebur128 \(reference)")
        #expect(result.limitedSeconds > 0.1 && result.deepestReduction < -3)
        #expect(result.passes >= 3, "measure, write, and a correcting write")
        #expect(abs(reference.integrated - goal.integrated) <= 0.5, "\(reference)")
        #expect(reference.truePeak <= goal.truePeak, "\(reference)")
    }

    @Test("a 997 Hz tone at -23 dBFS in both channels reads -23 LUFS; a tone between samples reads its true peak")
    func synthetic() throws {
        let rate = 48_000
        let tone = (0..<(rate * 5)).map { Float(pow(10, -23.0 / 20) * sin(2 * Double.pi * 997 * Double($0) / Double(rate))) }
        var meter = LoudnessMeter(sampleRate: rate, channels: 2)
        for start in stride(from: 0, to: tone.count, by: 1000) {
            let block = Array(tone[start..<min(start + 1000, tone.count)])
            meter.add([block, block])
        }
        #expect(abs((meter.integratedLoudness ?? 0) - -23) < 0.05, "\(meter.measurement)")
        #expect(meter.loudnessRange < 0.1)
        // A quarter of the rate, 45 degrees out: every sample is 0.707 of the crest, 3 dB under the true peak.
        let quarter = (0..<rate).map { Float(0.5 * sin(Double.pi / 2 * Double($0) + Double.pi / 4)) }
        var peaks = LoudnessMeter(sampleRate: rate, channels: 1)
        peaks.add([quarter])
        #expect(abs((peaks.samplePeak ?? 0) - 20 * log10(0.5 * 0.5.squareRoot())) < 0.01)
        #expect(abs((peaks.truePeak ?? 0) - 20 * log10(0.5)) < 0.3, "\(peaks.measurement)")
    }

    @Test("silent audio cannot be levelled and says so; nothing is written")
    func silence() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let silent = scratch.url("silent.wav")
        try FFmpegTool.run(["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "2", silent.path])
        #expect(try await LoudnessLeveler.measure(silent).integrated == nil)
        let output = scratch.url("out.wav")
        await #expect {
            try await LoudnessLeveler.level(silent, to: output, target: LoudnessTarget(integrated: -16))
        } throws: { error in
            guard case let .invalidFilter(_, reason) = error as? MediaError else { return false }
            return reason.contains("silent")
        }
        #expect(scratch.contents() == ["silent.wav"])
    }

    @Test("a target out of range is refused before any work")
    func badTarget() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = try LoudnessFixture.speech.make(rate: 44_100, channels: 1, in: scratch)
        await #expect(throws: MediaError.self) {
            try await LoudnessLeveler.level(input, to: scratch.url("out.wav"), target: LoudnessTarget(integrated: -16, truePeak: 3))
        }
    }
}
