import ArgumentParser
import DubKit
import Foundation

/// `dubkit dataset prepare --project P NAME --provider ID [--to NEW]`.
struct DatasetPrepare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Make a provider-ready copy of a dataset; the original files are not touched.",
        discussion: """
            Long pauses are shortened, recordings longer than --max-file-seconds are split at pauses, \
            each piece is normalised to --loudness (peaks kept under -1 dBFS) as 16-bit mono WAV, files \
            without speech are left out, and pieces are dropped past the training minutes and merged to \
            the provider's file count. The copy is validated at the end.

            Examples:
              dubkit dataset prepare --project films narrator --provider voicedub
              dubkit dataset prepare --project films narrator --provider local --to clean
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dataset to prepare.", valueName: "dataset"), completion: Completions.datasets)
    var name: String

    @Option(help: ArgumentHelp("The provider it is prepared for (local, voicedub, …).", valueName: "provider"))
    var provider: String

    @Option(help: ArgumentHelp("The new dataset's name (default NAME-PROVIDER).", valueName: "dataset"))
    var to: String?

    @Option(help: ArgumentHelp("Minutes of audio the training may use (VoiceDub: 5...60, default 10).", valueName: "n"))
    var maxMinutes: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Target loudness in LUFS.", valueName: "lufs"))
    var loudness = -20.0

    @Option(help: ArgumentHelp("Longest file, in seconds.", valueName: "s"))
    var maxFileSeconds = 300.0

    func validate() throws {
        guard (-40.0 ... -6.0).contains(loudness) else { throw ValidationError("--loudness must be between -40 and -6 LUFS") }
        guard (5.0...3600.0).contains(maxFileSeconds) else { throw ValidationError("--max-file-seconds must be between 5 and 3600") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let source = try store.dataset(named: name)
        let descriptor = try await Registry.make(global).provider(provider).descriptor
        var options = DatasetPreparer.Options()
        options.targetLoudness = loudness
        options.maxFileSeconds = maxFileSeconds
        let preparer = DatasetPreparer(store: store, descriptor: descriptor, trainingMinutes: maxMinutes, options: options)
        let json = global.json
        let result = try preparer.prepare(source, into: to ?? "\(name)-\(descriptor.id)") { line in
            global.note(line)
        }
        let problems = DatasetValidator(descriptor: descriptor, trainingMinutes: maxMinutes)
            .problems(result.files, dataset: result.dataset.name)
        if json {
            try Output.json(result)
        } else {
            print("dataset \(result.dataset.name): \(result.files.count) files from \(name)")
            DatasetFileReport.print(result.files.map { DatasetFileReport($0) }, empty: "no files")
            result.notes.forEach { print("note: \($0)") }
            problems.forEach { print($0.line) }
        }
        if problems.contains(where: { $0.severity == .error }) { throw ExitCode.failure }
    }
}
