import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

private func integratedLoudness(_ file: URL) throws -> Double {
    try EBUR128.integratedLoudness(file)
}

/// Espeak-ng speech, turned down by `decibels` with the ffmpeg program.
private func quietSpeech(in scratch: Scratch, down decibels: Int = 20) throws -> URL {
    let raw = scratch.url("speech-raw.wav")
    let espeak = Process()
    espeak.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
    espeak.arguments = ["-w", raw.path, "The quick brown fox jumps over the lazy dog. A dubbing toolkit measures loudness twice, then sets one gain."]
    try espeak.run()
    espeak.waitUntilExit()
    let speech = scratch.url("speech.wav")
    try FFmpegTool.run(["-i", raw.path, "-af", "volume=-\(decibels)dB", speech.path])
    return speech
}

/// A 440 Hz tone at 1/8 of full scale for 6 s.
private func tone(in scratch: Scratch) throws -> URL {
    let source = scratch.url("tone.wav")
    try FFmpegTool.run(FFmpegTool.tone(440, rate: 48_000, seconds: 6) + ["-ac", "1", source.path])
    return source
}

@Suite("loudness normalisation (loudnorm, one or two passes)")
struct LoudnessTests {
    @Test("two passes land within 1 LU of the target, measured by ebur128", arguments: [
        ("speech", -16.0), ("speech", -23.0), ("tone", -16.0), ("tone", -23.0),
    ])
    func twoPass(kind: String, target: Double) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = kind == "speech" ? try quietSpeech(in: scratch) : try tone(in: scratch)
        let output = scratch.url("out.wav")
        let measured = try await AudioProcessor.measureLoudness(of: source, targetLUFS: target)
        #expect(abs(measured.integrated - (try integratedLoudness(source))) < 0.5, "first pass \(measured)")
        try await AudioProcessor.normalizeLoudness(from: source, to: output, targetLUFS: target)
        let reached = try integratedLoudness(output)
        #expect(abs(reached - target) <= 1, "\(kind): \(reached) LUFS for a target of \(target)")
        let single = scratch.url("single.wav")
        try await AudioProcessor.normalizeLoudness(from: source, to: single, targetLUFS: target, twoPass: false)
        print("loudness \(kind) target \(target): input \(measured.integrated), two-pass \(reached), single-pass \(try integratedLoudness(single)) LUFS")
    }

    @Test("speech whose peaks forbid a plain gain still lands within 1 LU, its true peak held under the ceiling",
          arguments: [-16.0, -14.0])
    func peakLimited(target: Double) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = try quietSpeech(in: scratch, down: 6)
        let measured = try await AudioProcessor.measureLoudness(of: source, targetLUFS: target)
        // The case at hand: the gain to the target would take the peaks over -1.5 dBTP.
        #expect(measured.truePeak + (target - measured.integrated) > -1.5, "\(measured)")
        let output = scratch.url("out.wav")
        try await AudioProcessor.normalizeLoudness(from: source, to: output, targetLUFS: target)
        let reached = try integratedLoudness(output)
        #expect(abs(reached - target) <= 1, "\(reached) LUFS for a target of \(target)")
        let peak = try EBUR128.truePeak(output)
        #expect(peak <= -1.0, "true peak \(peak) dBTP")
    }

    @Test("the measurement reads every field of loudnorm's report")
    func measurementFields() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let measured = try await AudioProcessor.measureLoudness(of: try tone(in: scratch), targetLUFS: -16)
        // A steady sine at 1/8 of full scale: about -21 LUFS, a true peak of about -18 dBTP, no range.
        #expect(abs(measured.integrated - -21) < 1.5)
        #expect(abs(measured.truePeak - -18.1) < 0.5)
        #expect(measured.range < 1)
        #expect(measured.threshold < measured.integrated)
        #expect(abs(measured.targetOffset) < 2)
    }

    @Test("silent audio cannot be normalised and says so; nothing is written")
    func silence() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let silent = scratch.url("silent.wav")
        try FFmpegTool.run(["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "2", silent.path])
        let output = scratch.url("out.wav")
        await #expect {
            try await AudioProcessor.normalizeLoudness(from: silent, to: output, targetLUFS: -16)
        } throws: { error in
            guard case let .invalidFilter(_, reason) = error as? MediaError else { return false }
            return reason.contains("silent")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
