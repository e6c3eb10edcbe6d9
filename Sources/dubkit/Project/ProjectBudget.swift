import ArgumentParser
import DubKit

/// `dubkit project budget NAME (N | --clear)`.
struct ProjectBudget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Set or clear the credits a project may spend; paid steps that would cross it are refused.",
        discussion: """
            Examples:
              dubkit project budget films 500
              dubkit project budget films --clear
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The project's name.", valueName: "project"), completion: Completions.projects)
    var name: String

    @Argument(help: ArgumentHelp("The budget in credits.", valueName: "credits"))
    var credits: Int64?

    @Flag(help: "Remove the budget.")
    var clear = false

    func validate() throws {
        guard (credits == nil) == clear else { throw ValidationError("give a budget in credits or --clear") }
        if let credits, credits < 0 { throw ValidationError("the budget must be 0 or more credits") }
    }

    func run() throws {
        let store = try global.open(name)
        try store.setBudget(credits)
        let summary = try store.summary()
        if global.json {
            try Output.json(summary)
        } else {
            print("project \(name): budget \(credits.map { "\($0) credits" } ?? "cleared"), \(summary.creditsUsed) spent")
        }
    }
}
