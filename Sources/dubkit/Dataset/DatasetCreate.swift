import ArgumentParser
import DubKit

/// `dubkit dataset create --project P NAME`.
struct DatasetCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an empty dataset in a project.",
        discussion: """
            Examples:
              dubkit dataset create --project films narrator
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dataset's name, unique in the project.", valueName: "dataset"))
    var name: String

    func run() throws {
        let dataset = try global.open(project.project).createDataset(named: name)
        if global.json {
            try Output.json(dataset)
        } else {
            print("created dataset \(dataset.name) in project \(project.project)")
        }
    }
}
