@testable import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

private func espeak(_ text: String, voice: String = "en", to url: URL) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
    process.arguments = ["-v", voice, "-w", url.path, text]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
}

@Suite("Audio analysis")
struct AudioAnalyzerTests {
    @Test("a full-scale 1 kHz sine measures -3.01 LUFS, as BS.1770 defines; half scale 6 LU lower")
    func referenceTone() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        for (volume, expected) in [(1.0, -3.01), (0.5, -9.03)] {
            let url = scratch.url("tone-\(volume).wav")
            // The sine source plays at 1/8 of full scale.
            try FFmpegTool.run(["-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000:duration=5",
                                "-af", "volume=\(volume * 8)", "-c:a", "pcm_f32le", url.path])
            let analysis = try AudioAnalyzer.analyze(url)
            let loudness = try #require(analysis.loudnessLUFS)
            #expect(abs(loudness - expected) < 0.1, "\(loudness) LUFS")
        }
    }

    @Test("speech loudness agrees with the ffmpeg program's ebur128 within 0.3 LU, at several rates and layouts",
          arguments: [(16_000, 1), (44_100, 2), (48_000, 6)])
    func speechAgreesWithFFmpeg(rate: Int, channels: Int) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let speech = scratch.url("speech.wav")
        try espeak("The quick brown fox jumps over the lazy dog, and then it sleeps for a while.", to: speech)
        let url = scratch.url("speech-\(rate)-\(channels).flac")
        try FFmpegTool.run(["-i", speech.path, "-ar", String(rate), "-ac", String(channels), url.path])
        let ours = try #require(try AudioAnalyzer.analyze(url).loudnessLUFS)
        let theirs = try EBUR128.integratedLoudness(url)
        #expect(abs(ours - theirs) < 0.3, "ours \(ours), ffmpeg \(theirs)")
    }

    @Test("clipping is counted, a clean recording has none, and silence has no loudness, peak or speech")
    func clippingAndSilence() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let speech = scratch.url("speech.wav")
        try espeak("Testing one two three, this is a recording.", to: speech)
        let clean = try AudioAnalyzer.analyze(speech)
        #expect(clean.clippedSamples == 0)
        #expect((clean.peakDBFS ?? 0) < -0.1)
        let clipped = scratch.url("clipped.wav")
        try FFmpegTool.run(["-i", speech.path, "-af", "volume=20dB,alimiter=limit=1:level=false:attack=0.1:release=1,volume=6dB", clipped.path])
        let hot = try AudioAnalyzer.analyze(clipped)
        #expect(hot.clippedSamples > 100, "\(hot.clippedSamples)")
        #expect(abs(hot.peakDBFS ?? -99) < 0.01)

        let silent = scratch.url("silent.wav")
        try FFmpegTool.run(["-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "3", silent.path])
        let nothing = try AudioAnalyzer.analyze(silent)
        #expect(nothing.loudnessLUFS == nil && nothing.peakDBFS == nil && nothing.speechShare == 0 && nothing.snrDB == nil)
        #expect(abs(nothing.durationSeconds - 3) < 0.01)
    }

    @Test("speech share follows the pauses, and added noise lowers the SNR estimate")
    func speechShareAndNoise() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let speech = scratch.url("speech.wav")
        try espeak("Hello there. This is a sentence with a few words in it.", to: speech)
        let padded = scratch.url("padded.wav")
        // The same speech with as much silence again after it: the share halves.
        try FFmpegTool.run(["-i", speech.path, "-af", "apad=pad_dur=\(try AudioAnalyzer.analyze(speech).durationSeconds)", padded.path])
        let clean = try AudioAnalyzer.analyze(speech)
        let half = try AudioAnalyzer.analyze(padded)
        #expect(clean.speechShare > 0.5 && clean.speechShare < 1, "\(clean.speechShare)")
        #expect(abs(half.speechShare - clean.speechShare / 2) < 0.06, "\(half.speechShare) vs \(clean.speechShare)")

        let noisy = scratch.url("noisy.wav")
        try FFmpegTool.run(["-i", padded.path, "-f", "lavfi", "-i", "anoisesrc=color=white:amplitude=0.02:seed=7",
                            "-filter_complex", "[0:a][1:a]amix=inputs=2:duration=first:normalize=0", noisy.path])
        let cleanSNR = try #require(half.snrDB)
        let noisySNR = try #require(try AudioAnalyzer.analyze(noisy).snrDB)
        #expect(cleanSNR > 40, "\(cleanSNR)")
        #expect(noisySNR < cleanSNR - 15 && noisySNR > 5, "\(noisySNR) vs \(cleanSNR)")
    }
}
