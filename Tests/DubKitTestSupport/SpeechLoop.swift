import Foundation

/// Long speech for long-input tests, made cheaply: four espeak-ng sentences with breaks of 0.6 to
/// 0.8 s between them (about 11 s), looped by the ffmpeg program to any length, with faint pink noise
/// under it so that the pauses are not digital silence.
public enum SpeechLoop {
    /// The loop's text (SSML), with the breaks that make its pauses.
    public static let ssml = "<speak>The first sentence is short.<break time='700ms'/>"
        + "Then there is a pause, and another clause follows it.<break time='600ms'/>"
        + "A third one comes after it, a little longer than the others.<break time='800ms'/>"
        + "And the fourth ends the loop.<break time='700ms'/></speak>"

    /// Writes `seconds` of it to `url` as a mono 16-bit WAV at `rate`, the speech at `gainDB` and the
    /// noise at `noiseAmplitude` (linear, full scale 1).
    public static func write(_ url: URL, seconds: Double, rate: Int = 8000, gainDB: Double = 0,
                             noiseAmplitude: Double = 0.003) throws {
        let unit = url.deletingLastPathComponent().appendingPathComponent(".speech-loop-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: unit) }
        let spoken = try ChildProcess.run("/usr/bin/espeak-ng", ["-m", "-w", unit.path, ssml])
        guard spoken.status == 0 else { throw SpeechLoopError(step: "espeak-ng", detail: spoken.stderr) }
        let looped = try ChildProcess.run("/usr/bin/ffmpeg", [
            "-v", "error", "-y", "-stream_loop", "-1", "-i", unit.path,
            "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=\(noiseAmplitude):sample_rate=22050:seed=7",
            "-filter_complex", "[0:a]volume=\(gainDB)dB[s];[s][1:a]amix=inputs=2:normalize=0:duration=first",
            "-t", String(seconds), "-ar", String(rate), "-ac", "1", "-c:a", "pcm_s16le", url.path])
        guard looped.status == 0 else { throw SpeechLoopError(step: "ffmpeg", detail: looped.stderr) }
    }
}

/// A step of ``SpeechLoop`` that failed.
public struct SpeechLoopError: Error, CustomStringConvertible {
    public var step: String
    public var detail: String
    public var description: String { "\(step) failed: \(detail)" }
}
