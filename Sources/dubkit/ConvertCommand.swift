import ArgumentParser
import DubKit
import Foundation
import LocalEngine

/// `dubkit convert INPUT -o OUTPUT (--voice PROVIDER:VOICE | --reference FILE)`: the whole job in one command.
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Dub a video or audio file in one go: extract, convert, and write the dubbed video or audio.",
        discussion: """
            Everything is recorded in a project (--project, default `default`), so `dub show`, `dub log` \
            and a rerun after an interruption work as for any dub: the same input, voice, parameters and \
            output continue the earlier run's dub (never paying twice); --new starts a new one. A video output (.mp4, .mov, .mkv) \
            keeps the input's video untouched; an audio output (.wav, .flac, .mp3, .m4a) holds the dub alone. \
            The provider, the voice, the input, the output's folder and format are checked before anything \
            is created. --start and --duration convert a slice only, a preview that is a dub of its own \
            (a video's picture is cut at the keyframe at or before --start).

            Built-in voices (local engine, offline): \(BuiltInVoices.names.map { "local:\($0)" }.joined(separator: ", ")). \
            A voice trained with `dubkit voice train` is local:NAME; `dubkit voice list --provider ID` \
            lists a provider's catalog.

            Examples:
              dubkit convert talk.mp4 -o talk-dubbed.mp4 --voice local:bright
              dubkit convert talk.mp4 -o talk.es.mp4 --voice local:deep --language spa
              dubkit convert take.wav -o take-dubbed.wav --reference target-voice.wav
              dubkit convert talk.mp4 -o out.mp4 --voice local:narrator --project demo --force
              dubkit convert a.mp4 -o try.mp4 --voice local:warm --start 1:30 --duration 20
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var download: DownloadOptions

    @Argument(help: ArgumentHelp("The video or audio file to dub, or an http(s) link to one (downloaded once into the project).",
                            valueName: "input"), completion: .file())
    var input: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the result.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("The voice, as PROVIDER:VOICE (local:bright, local:<trained>, …).", valueName: "provider:voice"),
            completion: Completions.voices)
    var voice: String?

    @Option(help: ArgumentHelp("A recording of the target voice to convert towards (local engine).", valueName: "file"))
    var reference: String?

    @Option(help: ArgumentHelp("The project to record it in.", valueName: "project"), completion: Completions.projects)
    var project: String = "default"

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Pitch shift in \(ParameterCatalogue.pitchShift.unit), \(ParameterCatalogue.pitchShift.rangeText).", valueName: "n"))
    var pitch: Int?

    @Option(help: ArgumentHelp("Conversion strength, 0 (unchanged) ... 1 (full).", valueName: "x"))
    var strength: Double?

    @Option(help: ArgumentHelp("ISO 639-2 language of the dubbed track (e.g. spa).", valueName: "code"))
    var language: String?

    @Flag(help: "Keep the original audio as a second track of the video.")
    var keepOriginal = false

    @OptionGroup var overwrite: OverwriteOption

    @Flag(name: .customLong("new"), help: "Start a new dub even when an earlier run of the same conversion can be continued.")
    var fresh = false

    @Option(help: ArgumentHelp("Convert only from this point of the input, for a quick listen (seconds, or mm:ss).", valueName: "time"))
    var start: String?

    @Option(help: ArgumentHelp("Convert only this long a slice of the input (seconds, or mm:ss).", valueName: "time"))
    var duration: String?

    func validate() throws {
        guard (voice == nil) != (reference == nil) else { throw ValidationError("give exactly one of --voice and --reference") }
        if let voice, !voice.contains(":") { throw ValidationError("--voice must be PROVIDER:VOICE, e.g. local:bright") }
        _ = try slice
    }

    /// The preview slice --start and --duration ask for, or nil for the whole input.
    private var slice: PreviewSlice? {
        get throws {
            try PreviewSlice(start: start, duration: duration)
        }
    }

    func run() async throws {
        try overwrite.check(output)
        let (providerID, voiceRef) = DubCreate.split(voice ?? "local:")
        let progress = StageProgress(json: global.json)
        let phases = PhaseProgress(shown: global.showsProgress)  // the export's phases and the summary of the whole run
        let bytes = ByteProgress("downloading", json: global.json)
        let conversion = Conversion(workspace: global.resolvedWorkspace, registry: Registry.make(global),
                                    links: download.downloader(progress: bytes.callback))
        let request = Conversion.Request(
            input: input, output: URL(fileURLWithPath: output), providerID: providerID, voiceRef: voiceRef, reference: reference,
            project: project, pitch: pitch, strength: strength,
            export: DubExporter.Settings(language: language, keepOriginal: keepOriginal), fresh: fresh, slice: try slice)
        let result = try await conversion.run(request, observer: Conversion.Observer(
            report: { progress.report($0) }, fraction: { progress.fraction($0) },
            started: { progress.mediaSeconds = $0 }, converted: { bytes.finish() }, exporting: phases.callback))
        let (dub, record) = (result.dub, result.record)
        phases.summary("converted", mediaSeconds: dub.inputDurationMs.map { Double($0) / 1000 }, output: record.path)
        if global.json {
            try Output.json(record)
        } else {
            print("wrote \(record.path) (dub \(result.id) in project \(project), voice \(dub.voice))")
        }
    }
}
