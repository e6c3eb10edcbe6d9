import ArgumentParser
import DubKit
import Foundation

/// `dubkit dataset add --project P NAME FILE…`.
struct DatasetAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add audio or video files to a dataset: their audio is extracted and stored once by content.")

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
        if global.json {
            try Output.json(added)
            return
        }
        Output.table(
            ["FILE", "DURATION", "RATE", "CHANNELS", "HASH"],
            added.map { [$0.originalName, Duration.text($0.durationSeconds), String($0.sampleRate), String($0.channels), String($0.mediaHash.prefix(12))] },
            empty: "nothing added")
    }
}
