import ArgumentParser
import DubKit
import DubKitMedia
import Foundation

/// `dubkit export --project P DUB… -o OUT [--video FILE] [--language L]… [--title T]… [--keep-original] [--loudness X]`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write finished dubs into a video (one language track each) or an audio file.",
        discussion: """
            A video output (.mp4, .mov, .mkv) copies the video stream untouched; the first dub is the \
            default audio track, each further dub another track, tagged with --language and --title in \
            the order of the dubs; --keep-original adds the original audio as a last, non-default track. \
            An audio output (.wav, .flac, .mp3, .m4a) takes one dub. Loudness: by default a video's dubs \
            are made as loud as its original audio and an audio file is normalised to -16 LUFS; \
            --loudness takes a number of LUFS, `match` or `off`. For dubs made from separated vocals, \
            --accompaniment FILE mixes each dub back over its backing track (music and effects) at \
            --vocals-gain and --accompaniment-gain (dB) before the loudness is set. The export is \
            recorded in the project with its settings and the file's SHA-256.

            Examples:
              dubkit export --project films 3 -o dub.m4a --loudness -16
              dubkit export --project films 3 4 -o film.mkv --language spa --language fra
              dubkit export --project films 3 -o film.es.mp4 --accompaniment music.wav
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The finished dubs' ids, the default track first.", valueName: "dub-id"), completion: Completions.dubIDs)
    var dubs: [Int64]

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("The video to put the dubs into (default: the first dub's source).", valueName: "file"))
    var video: String?

    @Option(help: ArgumentHelp("ISO 639-2 language of each dub's track, in order (e.g. spa).", valueName: "code"))
    var language: [String] = []

    @Option(help: ArgumentHelp("A title for each dub's track, in order.", valueName: "text"))
    var title: [String] = []

    @Flag(help: "Keep the original audio as a further, non-default track.")
    var keepOriginal = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Loudness in LUFS (-40...-6), `match` (the original's) or `off`.", valueName: "x"))
    var loudness: String?

    @Option(help: ArgumentHelp("A backing track (music and effects) to mix each dub back over.", valueName: "file"))
    var accompaniment: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Gain of the dubbed vocals over --accompaniment, dB (-60...24).", valueName: "db"))
    var vocalsGain: Double = 0

    @Option(parsing: .unconditional, help: ArgumentHelp("Gain of --accompaniment under the vocals, dB (-60...24).", valueName: "db"))
    var accompanimentGain: Double = 0

    @OptionGroup var overwrite: OverwriteOption

    func validate() throws {
        guard !dubs.isEmpty else { throw ValidationError("give the ids of the dubs to export") }
        if language.count > dubs.count || title.count > dubs.count {
            throw ValidationError("give at most one --language and one --title per dub")
        }
        for code in language where code.count != 3 || !code.allSatisfy({ $0.isASCII && $0.isLowercase }) {
            throw ValidationError("--language takes ISO 639-2 codes of three lower-case letters, such as spa (got '\(code)')")
        }
        for (name, gain) in [("--vocals-gain", vocalsGain), ("--accompaniment-gain", accompanimentGain)]
        where !DubExporter.Settings.mixGains.contains(gain) {
            throw ValidationError("\(name) takes -60...24 dB (got \(gain))")
        }
        if accompaniment == nil && (vocalsGain != 0 || accompanimentGain != 0) {
            throw ValidationError("--vocals-gain and --accompaniment-gain set the mix with --accompaniment FILE; give the backing track")
        }
        if let loudness, ExportLoudness(loudness) == nil {
            throw ValidationError("--loudness takes a number of LUFS between -40 and -6, `match` or `off` (got '\(loudness)')")
        }
    }

    func run() async throws {
        try overwrite.check(output)
        let store = try global.open(project.project)
        let chosen = try dubs.map { try store.dub($0) }
        let outputURL = URL(fileURLWithPath: output)
        let settings = DubExporter.Settings(
            video: video.map { URL(fileURLWithPath: $0) }, languages: language, titles: title,
            keepOriginal: keepOriginal, loudness: loudness.flatMap(ExportLoudness.init),
            accompaniment: accompaniment.map { URL(fileURLWithPath: $0) }, vocalsGain: vocalsGain,
            accompanimentGain: accompanimentGain)
        global.note("exporting \(chosen.count) dub(s) to \(outputURL.path)")
        let progress = PhaseProgress(shown: global.showsProgress)
        let record = try await DubExporter(store: store).export(chosen, to: outputURL, settings: settings, progress: progress.callback)
        progress.summary("exported", mediaSeconds: (try? MediaProbe.probe(outputURL))?.durationSeconds, output: record.path)
        if global.json {
            try Output.json(record)
        } else {
            print("wrote \(record.path) (\(record.format), sha256 \(record.fileHash.prefix(12)))")
        }
    }
}
