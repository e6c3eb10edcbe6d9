import ArgumentParser
import DubKit
import Foundation

/// `dubkit dub retry --project P ID…`.
struct DubRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run failed dubs again from the stage that failed.",
        discussion: """
            Before anything is sent again, the provider is asked where the dub's job stands: a paid \
            request that reached it is not repeated; a job the provider failed is replaced by a new one \
            (paid again, within the budget). A dub stopped with outcome_unknown (a paid request sent, its \
            answer lost, and the provider keeps nothing to look up) is sent again only with --allow-repay. Each retry is a new numbered attempt in `dub show`.

            Examples:
              dubkit dub retry --project films 7
              dubkit dub retry --project films 7 8 --no-run
              dubkit dub retry --project films 9 --allow-repay
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption
    @OptionGroup var download: DownloadOptions
    @OptionGroup var lease: LeaseOption

    @Argument(help: ArgumentHelp("The failed dubs' ids.", valueName: "dub-id"), completion: Completions.dubIDs)
    var ids: [Int64]

    @Option(help: ArgumentHelp("Dubs run at the same time for each provider.", valueName: "n"))
    var jobs = 4

    @Option(help: ArgumentHelp("Credits the project may spend in all (default: the project's budget).", valueName: "n"))
    var budget: Int64?

    @Flag(help: ArgumentHelp("Send again a paid request whose outcome is unknown (its answer was lost and the provider cannot be asked): it may be charged twice."))
    var allowRepay = false

    @Flag(help: "Only move the dubs back to the stage they continue from; `dub run` runs them.")
    var noRun = false

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("give the ids of the dubs to retry") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let registry = Registry.make(global)
        var dubs: [Dub] = []
        for id in ids {
            let dub = try store.dub(id)
            let runner = DubRunner(store: store, provider: try await registry.provider(dub.providerID))
            let plan = try await runner.retry(id, allowRepay: allowRepay)
            global.note("dub \(id): retry, attempt \(plan.attempt), from \(plan.resumesAt.rawValue): \(plan.reason)")
            dubs.append(try store.dub(id))
        }
        if noRun {
            if global.json { try Output.json(dubs.map(\.forOutput)) }
            return
        }
        try await DubBatchRun(global: global, store: store, jobs: jobs, budget: budget,
                              maxDownloadBytes: download.maxBytes, leaseSeconds: try lease.seconds()).run(dubs)
    }
}
