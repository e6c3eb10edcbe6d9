import ArgumentParser
import DubKit
import Foundation

/// Runs dubs as one batch for `dub run` and `dub retry`, showing their progress, and prints the result.
struct DubBatchRun {
    let global: GlobalOptions
    let store: ProjectStore
    let jobs: Int
    let budget: Int64?
    /// The largest file a link dub's link may deliver.
    var maxDownloadBytes = LinkDownloader.defaultMaxBytes
    /// How long a claim on a dub lasts without renewal.
    var leaseSeconds = LeaseSettings.defaultSeconds

    /// Runs `dubs`; throws `ExitCode.failure` when any ends in error, over budget or could not run, or
    /// when `damaged` names rows that could not be read as dubs (each reported as its own failure).
    func run(_ dubs: [Dub], damaged: [DamagedRecord] = []) async throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = { (name: String) in environment[name].flatMap(Double.init).flatMap { $0 >= 0 ? $0 : nil } }
        let board = global.showsProgress && Terminal.drawsInPlace ? DubBoard(store: store, ids: dubs.compactMap(\.id)) : nil
        let json = global.json
        var batch = DubBatch(store: store, jobsPerProvider: jobs, pollInterval: PollInterval.override(environment: environment),
                             budget: budget, retryDelay: seconds("DUBKIT_RETRY_DELAY")) { line in
            if board == nil && !json && !Terminal.quiet { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        // Off a terminal a link's download is reported in plain lines; on one the board shows the stage.
        let bytes = board == nil ? ByteProgress("downloading", json: json) : nil
        batch.leaseSeconds = leaseSeconds
        batch.links = LinkDownloader(maxBytes: maxDownloadBytes, progress: bytes?.callback)
        if let board { batch.progress = { id, fraction in board.converted(id, fraction) } }
        let registry = Registry.make(global)
        board?.start()
        let outcomes = await batch.run(dubs) { id in try await registry.provider(id) }
        board?.stop()
        var results: [Dub] = []
        var failed = !damaged.isEmpty
        for record in damaged { ErrorReport.failure(record.error(project: store.name), json: global.json) }
        for dub in dubs {
            guard let id = dub.id, let outcome = outcomes[id] else { continue }
            switch outcome {
            case let .finished(done):
                results.append(done)
                failed = failed || done.status == .error
            case let .overBudget(stopped, error):
                ErrorReport.failure(error, json: global.json)
                results.append(stopped)
                failed = true
            case let .notStarted(waiting):
                results.append(waiting)
                failed = true
            case let .leftToHolder(current, holder):
                // Not a failure: another runner is advancing it, and this one must not pay for it again.
                global.note("dubkit: " + (DubKitError.claimedElsewhere(entity: .dub, id: id, holder: holder).errorDescription ?? ""))
                results.append(current)
            case let .failed(_, error):
                ErrorReport.failure(any: error, json: global.json)
                results.append((try? store.dub(id)) ?? dub)
                failed = true
            }
        }
        if outcomes.values.contains(where: { if case .notStarted = $0 { true } else { false } }) {
            FileHandle.standardError.write(Data("dubkit: the budget stopped the batch; dubs not started stay as they are\n".utf8))
        }
        if global.json {
            try Output.json(dubs: results, damaged: damaged.map { DamagedRecord.Listed($0, project: store.name) })
        } else {
            let rows = results.map { dub in
                (dub.id ?? 0, [Output.optional(dub.id), dub.status.rawValue, dub.voice, String(dub.creditsUsed),
                               dub.errorCode.map { "\($0): \(dub.errorMessage ?? "")" } ?? Output.optional(dub.resultMediaHash)])
            } + damaged.map { ($0.id, [String($0.id), "damaged", "-", "-", "\($0.field) is \($0.value)"]) }
            Output.table(["ID", "STATUS", "VOICE", "CREDITS", "RESULT"], rows.sorted { $0.0 < $1.0 }.map(\.1),
                         empty: "no dubs to run")
        }
        if failed { throw ExitCode.failure }
    }
}
