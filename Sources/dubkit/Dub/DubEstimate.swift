import ArgumentParser
import DubKit
import Foundation

/// `dubkit dub estimate --project P (ID… | --all)`.
struct DubEstimate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "The credits dubs will cost, by each provider's own rule, before anything is paid.",
        discussion: """
            Before a dub is preprocessed its cost is priced by its provider's adapter from the source's \
            length and the dub's parameters (the voice-convert service bills seconds of output, so \
            length_adjust counts); once the provider has measured the input, its own figure is shown.

            Examples:
              dubkit dub estimate --project films --all
              dubkit dub estimate --project films 3 4 --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: ArgumentHelp("The dubs' ids.", valueName: "dub-id"), completion: Completions.dubIDs)
    var ids: [Int64] = []

    @Flag(help: "Every dub not yet generated.")
    var all = false

    func validate() throws {
        guard ids.isEmpty != !all else { throw ValidationError("give dub ids or --all, not both or neither") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let dubs = all ? try store.dubs().filter { CostEstimate.unpaid.contains($0.status) } : try ids.map { try store.dub($0) }
        let estimate = try await CostEstimate.make(dubs, store: store, registry: Registry.make(global))
        let lines = estimate.dubs
        if global.json {
            try Output.json(estimate)
            return
        }
        Output.table(
            ["ID", "VOICE", "SECONDS", "CREDITS", "NOTE"],
            lines.map { [String($0.id), $0.voice, $0.seconds.map { String(format: "%.1f", $0) } ?? "?",
                         Output.optional($0.credits), $0.note ?? ""] },
            empty: "no dubs to estimate")
        var total = "total: \(estimate.totalCredits) credits; \(estimate.committedCredits) already spent or committed"
        if let budget = estimate.budgetCredits {
            total += "; budget \(budget), \(budget - estimate.committedCredits - estimate.totalCredits) left after these"
        }
        print(total)
    }
}
