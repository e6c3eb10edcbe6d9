import ArgumentParser
import DubKit
import Foundation

/// `dubkit dataset add --project P NAME FILE…`.
struct DatasetAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add audio or video files or links to a dataset: their audio is extracted, stored once by content and analysed.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: "The dataset's name (created when missing).")
    var name: String

    @Argument(help: "Audio or video files, or http(s) links to them.")
    var files: [String]

    @OptionGroup var download: DownloadOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file to add") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let dataset = try store.datasetCreatingIfMissing(named: name)
        var added: [DatasetFile] = []
        for file in files {
            // A link is downloaded once into the project's media store, then added like a file.
            let input = try await MediaInputFile.resolve(file, project: project.project, global: global, download: download)
            global.log("extracting \(input.url.path)")
            let name = input.downloaded.map { URL(string: $0.link)?.lastPathComponent ?? $0.link } ?? input.url.lastPathComponent
            let progress = PercentProgress("extracting \(name)", json: global.json)
            added.append(try await store.addRecording(input.url, to: dataset, originalName: name, progress: progress.callback))
            progress.finish()
        }
        let reports = added.map(DatasetFileReport.init)
        if global.json {
            try Output.json(reports)
            return
        }
        DatasetFileReport.print(reports, empty: "nothing added")
    }
}
