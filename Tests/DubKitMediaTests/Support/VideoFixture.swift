import Foundation

/// Generated videos for remux tests: a test pattern with a 440 Hz tone, one subtitle stream in the
/// container's own text format and two chapters; and dubs, plain sine tones in WAV.
enum VideoFixture {
    static let seconds = 3.0
    static let originalTone = 440

    /// Writes `video.<container>` (H.264 + AAC + subtitles + chapters) into `scratch`.
    static func video(_ container: String, in scratch: Scratch) throws -> URL {
        let subtitles = scratch.url("subs.srt")
        try """
            1
            00:00:00,500 --> 00:00:01,500
            Hola

            2
            00:00:02,000 --> 00:00:02,800
            Adiós

            """.write(to: subtitles, atomically: true, encoding: .utf8)
        let metadata = scratch.url("chapters.txt")
        try """
            ;FFMETADATA1
            title=Fixture
            [CHAPTER]
            TIMEBASE=1/1000
            START=0
            END=1500
            title=One
            [CHAPTER]
            TIMEBASE=1/1000
            START=1500
            END=3000
            title=Two

            """.write(to: metadata, atomically: true, encoding: .utf8)
        let url = scratch.url("video.\(container)")
        try FFmpegTool.run(
            FFmpegTool.video(seconds: seconds) + FFmpegTool.tone(originalTone, seconds: seconds)
                + ["-i", subtitles.path, "-i", metadata.path,
                   "-map", "0:v", "-map", "1:a", "-map", "2:s", "-map_metadata", "3", "-map_chapters", "3",
                   "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac", "2",
                   "-c:s", container == "mkv" ? "srt" : "mov_text",
                   "-metadata:s:a:0", "language=eng", url.path])
        return url
    }

    /// Writes a `seconds`-long mono WAV tone at `frequency` named `name`.
    static func dub(_ name: String, frequency: Int, seconds: Double, rate: Int = 48_000, in scratch: Scratch) throws -> URL {
        let url = scratch.url(name)
        try FFmpegTool.run(FFmpegTool.tone(frequency, rate: rate, seconds: seconds) + ["-c:a", "pcm_s16le", url.path])
        return url
    }
}
