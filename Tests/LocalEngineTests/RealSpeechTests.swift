import DubKitTestSupport
import Foundation
import Testing
@testable import DubKitVoiceDSP
@testable import LocalEngine

/// Conversion of real recorded speech (Debian's asterisk-core-sounds-en-wav and codec2-examples, both
/// 8 kHz, installed by scripts/dev.sh), graded by the tests' own measurements. Each voice has at least
/// 10 s of speech: the median F0 of a 2–4 s clip moves by tens of cents with which frames count as voiced.
@Suite("VoiceConverter on real recorded speech")
struct RealSpeechTests {
    /// One female US English speaker (Allison), 8 kHz prompts.
    static let allison = URL(fileURLWithPath: "/usr/share/asterisk/sounds/en_US_f_Allison")
    /// Real speakers of codec2's examples; vk5qi is a man, 13.5 s.
    static let codec2 = URL(fileURLWithPath: "/usr/share/codec2/wav")

    /// Allison's training prompts (48 s) and a longer held-out prompt (16 s) she reads other words in.
    static let allisonTraining = ["vm-msginstruct", "vm-opts-full", "vm-review", "vm-instructions", "vm-record-prepend"]
        .map { allison.appendingPathComponent("\($0).wav") }
    static let allisonHeldOut = allison.appendingPathComponent("vm-options.wav")
    static let vk5qi = codec2.appendingPathComponent("vk5qi.wav")

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let input: URL
        let target: [URL]
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "Allison (held-out prompt) → vk5qi", input: allisonHeldOut, target: [vk5qi]),
        Case(name: "vk5qi → Allison (trained on other prompts)", input: vk5qi, target: allisonTraining),
    ]

    @Test("a real speaker converted towards another lands on the target's median F0, its spectrum closer", arguments: cases)
    func realSpeakers(_ conversion: Case) throws {
        for file in [conversion.input] + conversion.target {
            try #require(FileManager.default.fileExists(atPath: file.path),
                         "\(file.path) is missing: install asterisk-core-sounds-en-wav and codec2-examples (scripts/dev.sh does)")
        }
        let dir = try TemporaryDirectory("real-speech")
        let target = try VoiceAnalyzer.profile(of: conversion.target)
        let output = dir.path("converted.wav")
        let summary = try VoiceConverter.convert(input: conversion.input, output: output, target: target)

        let targetTrack = try conversion.target.flatMap { try CorrelationPitchTracker.track($0) }.filter { $0 > 0 }
        let targetF0 = CorrelationPitchTracker.median(targetTrack)
        let sourceF0 = try CorrelationPitchTracker.median(conversion.input).f0
        let (outputF0, voiced) = try CorrelationPitchTracker.median(output)
        let offset = TestAudio.cents(outputF0, over: targetF0)
        let targetSpectrum = ERBSpectrum(try conversion.target.flatMap { try TestAudio.samples($0, rate: 8_000).samples }, rate: 8_000)
        let before = try ERBSpectrum(conversion.input, rate: 8_000).distance(to: targetSpectrum)
        let after = try ERBSpectrum(output, rate: 8_000).distance(to: targetSpectrum)
        let reduction = 1 - after / before
        let (inSamples, inRate) = try TestAudio.samples(conversion.input)
        let outSamples = try TestAudio.samples(output).samples
        let durationError = abs(Double(outSamples.count - inSamples.count)) / Double(inRate)
        print("\(conversion.name): median F0 source \(sourceF0) Hz, target \(targetF0) Hz, output \(outputF0) Hz (\(offset) cents, "
            + "\(voiced) voiced frames); ERB spectrum distance \(before) → \(after) dB (\(reduction * 100)% less); "
            + "formant ratio \(summary.formantRatio); duration error \(durationError * 1000) ms")
        #expect(abs(offset) <= 50)
        #expect(reduction >= 0.30)
        #expect(durationError <= 0.020)
    }
}
