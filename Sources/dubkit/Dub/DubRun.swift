import ArgumentParser
import DubKit
import Foundation

/// `dubkit dub run --project P (ID… | --all) [--jobs N] [--budget N]`.
struct DubRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Advance dubs through upload, preprocess, generate and download until done or error.",
        discussion: """
            Dubs run side by side, at most --jobs at a time for each provider (fewer when the provider \
            sets a lower limit), with each provider's requests paced to its rate. Run again after an \
            interruption: each dub continues from its recorded stage and no paid step is sent twice.

            Examples:
              dubkit dub run --project films --all
              dubkit dub run --project films 3 4 --jobs 8 --budget 500
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption
    @OptionGroup var download: DownloadOptions
    @OptionGroup var lease: LeaseOption

    @Argument(help: ArgumentHelp("The dubs' ids.", valueName: "dub-id"), completion: Completions.dubIDs)
    var ids: [Int64] = []

    @Flag(help: "Every dub that is not done, cancelled or in error.")
    var all = false

    @Option(help: ArgumentHelp("Dubs run at the same time for each provider.", valueName: "n"))
    var jobs = 4

    @Option(help: ArgumentHelp("Credits the project may spend in all, checked before each paid step (default: the project's budget).", valueName: "n"))
    var budget: Int64?

    func validate() throws {
        guard ids.isEmpty != !all else { throw ValidationError("give dub ids or --all, not both or neither") }
        if let budget, budget < 0 { throw ValidationError("--budget must be 0 or more credits") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        // A dub whose row cannot be read fails on its own (reported, exit 1); the others run.
        var dubs: [Dub] = []
        var damaged: [DamagedRecord] = []
        if all {
            let listing = try store.dubListing()
            dubs = listing.dubs.filter { !$0.status.isFinal && $0.status != .error }
            damaged = listing.damaged
        } else {
            for id in ids {
                do {
                    dubs.append(try store.dub(id))
                } catch {
                    guard case let .damagedRecord(record, _) = error else { throw error }
                    damaged.append(record)
                }
            }
        }
        try await DubBatchRun(global: global, store: store, jobs: jobs, budget: budget,
                              maxDownloadBytes: download.maxBytes, leaseSeconds: try lease.seconds()).run(dubs, damaged: damaged)
    }
}
