import ArgumentParser
import DubKit
import Foundation

/// `dubkit dub run --project P (ID… | --all)`.
struct DubRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Advance dubs through upload, preprocess, generate and download until done or error.",
        discussion: "Run again after an interruption: each dub continues from its recorded stage.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption
    @OptionGroup var download: DownloadOptions

    @Argument(help: "The dubs' ids.")
    var ids: [Int64] = []

    @Flag(help: "Every dub that is not done or in error.")
    var all = false

    @Option(help: ArgumentHelp("Credits the project may spend in all, checked before each paid step (default: the project's budget).", valueName: "n"))
    var budget: Int64?

    func validate() throws {
        guard ids.isEmpty != !all else { throw ValidationError("give dub ids or --all, not both or neither") }
        if let budget, budget < 0 { throw ValidationError("--budget must be 0 or more credits") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let dubs = all ? try store.dubs().filter { !$0.status.isFinal && $0.status != .error } : try ids.map { try store.dub($0) }
        let registry = Registry.make(global)
        let interval = ProcessInfo.processInfo.environment["DUBKIT_POLL_INTERVAL"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
        var providers: [String: any Provider] = [:]
        var results: [Dub] = []
        var refused = false
        for dub in dubs {
            guard let id = dub.id else { continue }
            let provider: any Provider
            if let known = providers[dub.providerID] {
                provider = known
            } else {
                provider = try await registry.provider(dub.providerID)
                providers[dub.providerID] = provider
            }
            let progress = StageProgress(json: global.json)
            let bytes = ByteProgress("dub \(id): downloading", json: global.json)
            defer { bytes.finish() }
            let runner = DubRunner(store: store, provider: provider, pollInterval: interval, budget: budget,
                                   links: download.downloader(progress: bytes.callback)) { progress.report($0) }
            do {
                results.append(try await runner.run(id))
            } catch let error as DubKitError {
                guard case .budgetExceeded = error else { throw error }
                refused = true
                ErrorReport.failure(error, json: global.json)
                results.append(try store.dub(id))
            }
        }
        if global.json {
            try Output.json(results)
        } else {
            Output.table(
                ["ID", "STATUS", "VOICE", "CREDITS", "RESULT"],
                results.map { dub in
                    [Output.optional(dub.id), dub.status.rawValue, dub.voice, String(dub.creditsUsed),
                     dub.errorCode.map { "\($0): \(dub.errorMessage ?? "")" } ?? Output.optional(dub.resultMediaHash)]
                },
                empty: "no dubs to run")
        }
        if refused || results.contains(where: { $0.status == .error }) { throw ExitCode.failure }
    }
}
