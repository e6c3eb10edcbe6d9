import ArgumentParser
import DubKit

/// `dubkit dataset show --project P NAME`.
struct DatasetShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a dataset's files with their figures (loudness, peak, clipping, speech, SNR) and flag the bad ones.",
        discussion: """
            Examples:
              dubkit dataset show --project films narrator
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dataset's name.", valueName: "dataset"), completion: Completions.datasets)
    var name: String

    struct Detail: Encodable {
        var dataset: Dataset
        var files: [DatasetFileReport]

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
        let files = try store.analysedFiles(of: dataset) { file, error in
            global.warn("\(file.originalName) could not be analysed: \(error.localizedDescription)")
        }
        let reports = files.map { DatasetFileReport($0) }
        if global.json {
            try Output.json(Detail(dataset: dataset, files: reports))
            return
        }
        let total = files.map(\.durationSeconds).reduce(0, +)
        let flagged = reports.filter { !$0.issues.isEmpty }.count
        print("dataset \(dataset.name): \(files.count) files, \(Duration.text(total))"
              + (flagged > 0 ? ", \(flagged) with issues" : ""))
        DatasetFileReport.print(reports, empty: "no files yet")
    }
}
