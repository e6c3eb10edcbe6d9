import ArgumentParser
import DubKit

/// `dubkit project create NAME`.
struct ProjectCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a project: a folder with its store, media and exports.",
        discussion: """
            Examples:
              dubkit project create films
              dubkit project create films --budget 500
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The project's name: letters, digits, '-', '_' or '.', at most 64.", valueName: "project"))
    var name: String

    @Option(help: ArgumentHelp("Default credit budget for paid steps.", valueName: "n"))
    var budget: Int64?

    func validate() throws {
        do {
            _ = try ProjectName(name)
        } catch {
            throw ValidationError(error.errorDescription ?? "\(error)")
        }
        if let budget, budget < 0 { throw ValidationError("--budget must be 0 or more credits") }
    }

    func run() throws {
        let store = try global.resolvedWorkspace.createProject(name)
        if let budget { try store.setBudget(budget) }
        let summary = try store.summary()
        if global.json {
            try Output.json(summary)
        } else {
            print("created project \(summary.name) at \(summary.path)")
        }
    }
}
