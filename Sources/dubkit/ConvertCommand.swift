import ArgumentParser
import DubKit
import DubKitMedia
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

    @Option(parsing: .unconditional, help: ArgumentHelp("Pitch shift in semitones, -24...24.", valueName: "n"))
    var pitch: Int = 0

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
        let workspace = global.resolvedWorkspace
        let registry = Registry.make(global)
        let slice = try self.slice
        var (providerID, voiceRef) = DubCreate.split(voice ?? "local:")
        let isLink = MediaLink.scheme(of: input) != nil && !FileManager.default.fileExists(atPath: input)
        let source = isLink ? try MediaLink(input).url.absoluteString : URL(fileURLWithPath: input).standardizedFileURL.path
        let outputURL = URL(fileURLWithPath: output).standardizedFileURL

        // Nothing is extracted, written, created or sent before every part of the request is checked.
        let provider = try await registry.provider(reference == nil ? providerID : "local")
        var values: [String: JSONValue] = [:]
        if let strength { values["conversionStrength"] = .number(strength) }
        let parameters = try DubParameters(values)
        try provider.descriptor.validate(pitchShift: pitch, parameters: parameters)
        let projectExists = try workspace.projectNames().contains(project)
        if reference == nil {
            let trained = projectExists ? try workspace.openProject(project).voices(provider: providerID).map(\.name) : []
            try DubPreflight.checkVoice(voiceRef, of: provider, trained: trained)
        }
        if let reference { try DubPreflight.checkInput(URL(fileURLWithPath: reference), field: "--reference") }
        let info = isLink ? nil : try DubPreflight.checkInput(URL(fileURLWithPath: source), field: "input")
        if let slice {
            guard !isLink else {
                throw DubKitError.notOffered(option: "--start/--duration", provider: "a link", reason: "a link's length is known only once it is downloaded",
                                             fix: "download it first (`dubkit convert` the whole link, or fetch the file), then preview the file")
            }
            try DubPreflight.checkSlice(start: slice.start, inputSeconds: info?.durationSeconds)
        }
        try DubPreflight.checkOutput(outputURL, field: "-o", sourceHasVideo: info.map(PreviewSlice.hasPicture))

        let store = try projectExists ? workspace.openProject(project) : workspace.createProject(project)
        let progress = StageProgress(json: global.json)
        let phases = PhaseProgress(shown: global.showsProgress)  // the export's phases and the summary of the whole run
        let report: @Sendable (String) -> Void = { progress.report($0) }

        if let reference {
            let file = URL(fileURLWithPath: reference)
            let audio = try await store.media.importAudio(from: file)
            let name = "reference-\(audio.ref.hash.prefix(8))"
            let dataset = try store.datasetCreatingIfMissing(named: name)
            _ = try store.addFile(audio, to: dataset, originalName: file.lastPathComponent)
            let trained = try await VoiceTrainer(store: store, provider: provider, report: report)
                .train(name: name, dataset: dataset)
            guard trained.status == .done else {
                throw DubKitError.invalidField(field: "--reference", value: reference, allowed: "a recording with voiced speech (\(trained.errorMessage ?? ""))")
            }
            (providerID, voiceRef) = ("local", name)
        }
        // The same input, voice, parameters and output continue the dub of an earlier run: its paid
        // step is never sent twice.
        let key = try ProjectStore.convertKey(input: isLink ? nil : URL(fileURLWithPath: source), link: isLink ? source : nil,
                                              providerID: providerID, voiceRef: voiceRef, pitchShift: pitch,
                                              parameters: parameters, output: outputURL, slice: slice?.keyPart)
        let found = fresh ? nil : try store.convertDubContinuing(key: key)
        // A preview dubs its slice, cut from the input into the project's media (the picture too, when
        // the output is a video), so it is a dub of its own.
        var dubSource = source
        if found == nil, let slice {
            let cut = try await slice.cut(URL(fileURLWithPath: source), into: store.media,
                                          keepPicture: VideoContainerFormat(fileExtension: outputURL.pathExtension) != nil)
            dubSource = cut.file.path
            if cut.start < slice.start {
                report(String(format: "the preview starts at %.2f s, the keyframe before %.2f s (the picture is copied, not re-encoded)",
                              cut.start, slice.start))
            }
        }
        let (created, continued) = try found.map { ($0, true) } ?? store.convertDub(key: key, fresh: fresh, creating: Dub(
            providerID: providerID, voiceRef: voiceRef, sourceKind: isLink ? .link : .file, source: dubSource, pitchShift: pitch,
            parameters: parameters))
        guard let id = created.id else { return }
        progress.mediaSeconds = { (try? store.dub(id))?.inputDurationMs.map { Double($0) / 1000 } }
        if continued {
            report("continuing dub \(id), stage \(created.status.rawValue) (--new starts a new dub)")
        }
        let bytes = ByteProgress("downloading", json: global.json)
        let dub = try await DubRunner(store: store, provider: provider, links: download.downloader(progress: bytes.callback),
                                      report: report, progress: { progress.fraction($0) }).run(id)
        bytes.finish()
        guard dub.status == .done else {
            throw DubKitError.dubFailed(id: id, project: project, code: dub.errorCode ?? "error", message: dub.errorMessage ?? "")
        }
        let record = try await DubExporter(store: store).export(
            [dub], to: outputURL, settings: DubExporter.Settings(language: language, keepOriginal: keepOriginal),
            progress: phases.callback)
        phases.summary("converted", mediaSeconds: dub.inputDurationMs.map { Double($0) / 1000 }, output: record.path)
        if global.json {
            try Output.json(record)
        } else {
            print("wrote \(record.path) (dub \(id) in project \(project), voice \(dub.voice))")
        }
    }
}
