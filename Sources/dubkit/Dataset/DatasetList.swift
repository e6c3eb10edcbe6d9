import ArgumentParser
import DubKit

/// `dubkit dataset list --project P`.
struct DatasetList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a project's datasets with their file counts and total duration.",
        discussion: """
            Examples:
              dubkit dataset list --project films
              dubkit dataset list --project films --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    struct Entry: Encodable {
        var dataset: Dataset
        var files: Int
        var durationSeconds: Double

        func encode(to encoder: any Encoder) throws {
            try dataset.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(files, forKey: .files)
            try container.encode(durationSeconds, forKey: .durationSeconds)
        }

        enum Keys: String, CodingKey { case files, durationSeconds }
    }

    func run() throws {
        let store = try global.open(project.project)
        let entries = try store.datasets().map { dataset in
            let files = try store.files(of: dataset)
            return Entry(dataset: dataset, files: files.count, durationSeconds: files.map(\.durationSeconds).reduce(0, +))
        }
        if global.json {
            try Output.json(entries)
            return
        }
        Output.table(
            ["NAME", "FILES", "DURATION", "CREATED"],
            entries.map { [$0.dataset.name, String($0.files), Duration.text($0.durationSeconds), Output.time($0.dataset.createdAt)] },
            empty: "no datasets in project \(project.project)")
    }
}

enum Duration {
    /// `m:ss.s` for people.
    static func text(_ seconds: Double) -> String {
        let minutes = Int(seconds) / 60
        let rest = seconds - Double(minutes * 60)
        let padded = rest < 10 ? "0" : ""
        return "\(minutes):\(padded)\(String(format: "%.1f", rest))"
    }
}
