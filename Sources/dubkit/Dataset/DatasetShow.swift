import ArgumentParser
import DubKit

/// `dubkit dataset show --project P NAME`.
struct DatasetShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a dataset's files with their duration, sample rate and channels.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: "The dataset's name.")
    var name: String

    struct Detail: Encodable {
        var dataset: Dataset
        var files: [DatasetFile]

        func encode(to encoder: any Encoder) throws {
            try dataset.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(files, forKey: .files)
        }

        enum Keys: String, CodingKey { case files }
    }

    func run() throws {
        let store = try global.open(project.project)
        let dataset = try store.dataset(named: name)
        let files = try store.files(of: dataset)
        if global.json {
            try Output.json(Detail(dataset: dataset, files: files))
            return
        }
        let total = files.map(\.durationSeconds).reduce(0, +)
        print("dataset \(dataset.name): \(files.count) files, \(Duration.text(total))")
        Output.table(
            ["FILE", "DURATION", "RATE", "CHANNELS", "HASH"],
            files.map { [$0.originalName, Duration.text($0.durationSeconds), String($0.sampleRate), String($0.channels), String($0.mediaHash.prefix(12))] },
            empty: "no files yet")
    }
}
