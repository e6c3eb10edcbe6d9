import ArgumentParser
import DubKit
import Foundation

/// `dubkit dataset add --project P NAME FILE…`.
struct DatasetAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add audio or video files or links to a dataset: their audio is extracted, stored once by content and analysed.",
        discussion: """
            Examples:
              dubkit dataset add --project films narrator take1.wav interview.mp4
              dubkit dataset add --project films narrator https://example.com/take.wav
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dataset's name (created when missing).", valueName: "dataset"), completion: Completions.datasets)
    var name: String

    @Argument(help: ArgumentHelp("Audio or video files, or http(s) links to them.", valueName: "file|url"), completion: .file())
    var files: [String]

    @OptionGroup var download: DownloadOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file to add") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        var recordings: [(url: URL, name: String)] = []
        var cleanUps: [MediaInputFile] = []
        defer { cleanUps.forEach { $0.cleanUp() } }
        for file in files {
            // A link is downloaded once into the project's media store, then added like a file.
            let input = try await MediaInputFile.resolve(file, project: project.project, global: global, download: download)
            cleanUps.append(input)
            let name = input.downloaded.map { URL(string: $0.link)?.lastPathComponent ?? $0.link } ?? input.url.lastPathComponent
            recordings.append((input.url, name))
        }
        var shown: PercentProgress?
        let additions = try await store.addRecordings(recordings, toDatasetNamed: name) { recording in
            shown?.finish()
            let progress = PercentProgress("extracting \(recording)", json: global.json)
            shown = progress
            return progress.callback
        }
        shown?.finish()
        let reports = additions.map { DatasetFileReport($0.file, alreadyPresent: $0.alreadyPresent) }
        if global.json {
            try Output.json(reports)
            return
        }
        DatasetFileReport.print(reports, empty: "nothing added")
        for (addition, recording) in zip(additions, recordings) where addition.alreadyPresent {
            print("\(recording.name): already in dataset \(name) (same audio as \(addition.file.originalName)); kept once")
        }
    }
}
