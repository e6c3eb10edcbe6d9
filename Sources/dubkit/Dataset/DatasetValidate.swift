import ArgumentParser
import DubKit
import Foundation

/// `dubkit dataset validate --project P NAME --provider ID [--max-minutes N]`.
struct DatasetValidate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a dataset against a provider's training rules before anything is uploaded or paid.",
        discussion: """
            Names every file and rule that fails. Exits 1 when any error is found; warnings alone exit 0.

            Examples:
              dubkit dataset validate --project films narrator --provider local
              dubkit dataset validate --project films narrator --provider voicedub
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dataset's name.", valueName: "dataset"), completion: Completions.datasets)
    var name: String

    @Option(help: ArgumentHelp("The provider that would train it (local, voicedub, …).", valueName: "provider"))
    var provider: String

    @Option(help: ArgumentHelp("Minutes of audio the training may use (VoiceDub: 5...60, default 10).", valueName: "n"))
    var maxMinutes: Int?

    func run() async throws {
        let store = try global.open(project.project)
        let dataset = try store.dataset(named: name)
        let descriptor = try await Registry.make(global).provider(provider).descriptor
        let files = try store.analysedFiles(of: dataset)
        let problems = DatasetValidator(descriptor: descriptor, trainingMinutes: maxMinutes).problems(files, dataset: name)
        let errors = problems.filter { $0.severity == .error }.count
        if global.json {
            try Output.json(problems)
        } else if problems.isEmpty {
            print("dataset \(name) meets \(descriptor.id)'s rules: \(files.count) files")
        } else {
            problems.forEach { print($0.line) }
            print("\(errors) errors, \(problems.count - errors) warnings")
        }
        if errors > 0 { throw ExitCode.failure }
    }
}
