import ArgumentParser
import DubKit
import DubKitMedia
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

    struct Line: Encodable {
        var id: Int64
        var voice: String
        var seconds: Double?
        var credits: Int64?
        var note: String?
    }

    struct Estimate: Encodable {
        var dubs: [Line]
        var totalCredits: Int64
        var committedCredits: Int64
        var budgetCredits: Int64?
    }

    func validate() throws {
        guard ids.isEmpty != !all else { throw ValidationError("give dub ids or --all, not both or neither") }
    }

    func run() async throws {
        let store = try global.open(project.project)
        let unpaid: Set<DubStatus> = [.new, .uploading, .uploaded, .preprocessing, .preprocessed]
        let dubs = all ? try store.dubs().filter { unpaid.contains($0.status) } : try ids.map { try store.dub($0) }
        let registry = Registry.make(global)
        var providers: [String: any Provider] = [:]
        var lines: [Line] = []
        for dub in dubs {
            guard let id = dub.id else { continue }
            var line = Line(id: id, voice: dub.voice)
            if let ms = dub.inputDurationMs { line.seconds = Double(ms) / 1000 }
            if let reported = dub.creditsRequired {
                // Once preprocessed, the figure the provider gave (or the adapter priced from the measured input).
                line.credits = reported
                if dub.isChunked { line.note = "\(dub.chunkCount ?? 0) chunks, each billed on its own" }
                lines.append(line)
                continue
            }
            if line.seconds == nil {
                if dub.sourceKind == .file {
                    line.seconds = try MediaProbe.probe(URL(fileURLWithPath: dub.source)).durationSeconds
                } else if let hash = dub.linkMediaHash, store.media.contains(hash) {
                    line.seconds = try MediaProbe.probe(store.media.url(for: hash)).durationSeconds
                } else {
                    line.note = "length unknown until the link is fetched (dub run stops before paying)"
                }
            }
            if let seconds = line.seconds {
                let provider: any Provider
                if let known = providers[dub.providerID] {
                    provider = known
                } else {
                    provider = try await registry.provider(dub.providerID)
                    providers[dub.providerID] = provider
                }
                line.credits = provider.estimateCredits(seconds: seconds, parameters: dub.parameters)
                let chunked = ChunkPlanner.estimate(seconds: seconds, channels: 2, provider: provider.descriptor,
                                                    chunkSeconds: dub.chunkSeconds)
                if chunked.chunks > 1 {
                    // Each chunk is billed on its own, rounded by the provider's rule.
                    line.credits = chunked.credits
                    line.note = "about \(chunked.chunks) chunks (cut in pauses when run)"
                }
            }
            lines.append(line)
        }
        let estimate = Estimate(dubs: lines, totalCredits: lines.compactMap(\.credits).reduce(0, +),
                                committedCredits: try store.committedCredits(), budgetCredits: try store.info().budgetCredits)
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
