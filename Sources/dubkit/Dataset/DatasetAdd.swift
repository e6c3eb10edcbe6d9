import ArgumentParser
import DubKit
import Foundation

/// `dubkit dataset add --project P NAME FILE…`.
struct DatasetAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add audio or video files to a dataset: their audio is extracted, stored once by content and analysed.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: "The dataset's name (created when missing).")
    var name: String

    @Argument(help: "Audio or video files.")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file to add") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let dataset = try store.datasetCreatingIfMissing(named: name)
        var added: [DatasetFile] = []
        for file in files {
            let url = URL(fileURLWithPath: file)
            global.log("extracting \(url.path)")
            added.append(try await store.addRecording(url, to: dataset))
        }
        let reports = added.map(DatasetFileReport.init)
        if global.json {
            try Output.json(reports)
            return
        }
        DatasetFileReport.print(reports, empty: "nothing added")
    }
}
