import ArgumentParser
import DubKit

/// `dubkit project budget NAME (N | --clear)`.
struct ProjectBudget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Set or clear the credits a project may spend; paid steps that would cross it are refused.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The project's name.")
    var name: String

    @Argument(help: "The budget in credits.")
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
