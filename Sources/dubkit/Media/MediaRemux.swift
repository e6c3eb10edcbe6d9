import ArgumentParser
import DubKitMedia
import Foundation

/// `dubkit media remux VIDEO AUDIO -o OUT`.
struct MediaRemux: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remux",
        abstract: "Put a dubbed audio track into a video without re-encoding the video (.mp4, .mov or .mkv).",
        discussion: """
            The dub is encoded to AAC, padded with silence or trimmed to the video's length, and made \
            the default audio track. A dub that already is AAC and long enough is copied, not re-encoded.

            Examples:
              dubkit media remux film.mp4 spanish.wav -o film.es.mp4 --language spa
              dubkit media remux film.mkv es.wav -o film.es.mkv --title Español --keep-original
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The original video.", valueName: "video"))
    var video: String

    @Argument(help: ArgumentHelp("The dubbed audio (any audio file FFmpeg reads).", valueName: "audio"))
    var audio: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The file to write (.mp4, .mov or .mkv).", valueName: "file"))
    var output: String

    @Flag(help: "Keep the video's original audio as a second, non-default track.")
    var keepOriginal = false

    @Option(help: ArgumentHelp("The dub's ISO 639-2 language code.", valueName: "code"))
    var language = "und"

    @Option(help: ArgumentHelp("A title players show for the dubbed track.", valueName: "text"))
    var title: String?

    @OptionGroup var overwrite: OverwriteOption

    func run() throws {
        try overwrite.check(output)
        let plan = RemuxPlan(
            video: URL(fileURLWithPath: video), output: URL(fileURLWithPath: output),
            dubbedTracks: [DubbedTrack(audio: URL(fileURLWithPath: audio), language: language, title: title)],
            keepOriginalAudio: keepOriginal)
        let progress = PercentProgress("remuxing", json: global.json)
        let result = try Remuxer.remux(plan, progress: progress.callback)
        progress.finish()
        if global.json {
            try Output.json(result)
            return
        }
        Output.fields([
            ("output", result.output),
            ("container", result.container.rawValue),
            ("video", String(format: "%.3f s, %d packets copied", result.videoDurationSeconds, result.videoPackets)),
            ("audio", "\(result.dubbedTracks) dubbed (AAC, \(result.copiedDubbedTracks) copied), \(result.originalAudioTracks) original kept"),
            ("subtitles", "\(result.subtitleStreams) carried, \(result.droppedSubtitleStreams) dropped"),
            ("chapters", String(result.chapters)),
        ])
    }
}
