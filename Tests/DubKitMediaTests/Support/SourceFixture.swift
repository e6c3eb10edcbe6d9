import Foundation

/// A generated input: a 2-second 440 Hz tone (with a test-pattern video for the video containers).
struct SourceFixture: Sendable, CustomStringConvertible {
    var file: String
    var arguments: [String]
    var formatName: String
    var audioCodec: String
    var videoCodec: String?
    var sampleRate: Int
    var channels: Int
    /// Samples per channel in one frame of the source codec: the tolerance for durations.
    var frameSamples: Int

    var description: String { file }

    static let seconds = 2.0

    /// Writes the fixture into `scratch` and returns its URL.
    func make(in scratch: Scratch) throws -> URL {
        let url = scratch.url(file)
        var inputs: [String] = []
        if videoCodec != nil { inputs += FFmpegTool.video(seconds: Self.seconds) }
        inputs += FFmpegTool.tone(rate: sampleRate, seconds: Self.seconds)
        try FFmpegTool.run(inputs + arguments + [url.path])
        return url
    }

    static let all: [SourceFixture] = [
        SourceFixture(
            file: "h264-aac-48k-stereo.mp4",
            arguments: ["-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest"],
            formatName: "mp4", audioCodec: "aac", videoCodec: "h264", sampleRate: 48_000, channels: 2, frameSamples: 1024),
        SourceFixture(
            file: "vp9-opus-48k-mono.mkv",
            arguments: ["-ac", "1", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus", "-shortest"],
            formatName: "matroska", audioCodec: "opus", videoCodec: "vp9", sampleRate: 48_000, channels: 1, frameSamples: 960),
        SourceFixture(
            file: "h264-alac-44k-stereo.mov",
            arguments: ["-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "alac", "-shortest"],
            formatName: "mov", audioCodec: "alac", videoCodec: "h264", sampleRate: 44_100, channels: 2, frameSamples: 4096),
        SourceFixture(
            file: "aac-48k-5.1.mp4",
            arguments: ["-ac", "6", "-c:a", "aac"],
            formatName: "mp4", audioCodec: "aac", videoCodec: nil, sampleRate: 48_000, channels: 6, frameSamples: 1024),
        SourceFixture(
            file: "pcm-8k-mono.wav",
            arguments: ["-ac", "1", "-c:a", "pcm_s16le"],
            formatName: "wav", audioCodec: "pcm_s16le", videoCodec: nil, sampleRate: 8_000, channels: 1, frameSamples: 1),
        SourceFixture(
            file: "flac-44k-stereo.flac",
            arguments: ["-ac", "2"],
            formatName: "flac", audioCodec: "flac", videoCodec: nil, sampleRate: 44_100, channels: 2, frameSamples: 4608),
        SourceFixture(
            file: "mp3-16k-mono.mp3",
            arguments: ["-ac", "1", "-c:a", "libmp3lame"],
            formatName: "mp3", audioCodec: "mp3", videoCodec: nil, sampleRate: 16_000, channels: 1, frameSamples: 1152),
    ]
}
