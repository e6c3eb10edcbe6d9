import ArgumentParser
import DubKit
import DubKitMedia
import Foundation

/// `dubkit dub estimate --project P (ID… | --all)`.
struct DubEstimate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "The credits dubs will cost, by each provider's own rule, before anything is paid.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Argument(help: "The dubs' ids.")
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
        var descriptors: [String: ProviderDescriptor] = [:]
        var lines: [Line] = []
        for dub in dubs {
            guard let id = dub.id else { continue }
            if descriptors[dub.providerID] == nil {
                descriptors[dub.providerID] = try await registry.provider(dub.providerID).descriptor
            }
            var line = Line(id: id, voice: dub.voice)
            if let ms = dub.inputDurationMs {
                line.seconds = Double(ms) / 1000
            } else if dub.sourceKind == .file {
                line.seconds = try MediaProbe.probe(URL(fileURLWithPath: dub.source)).durationSeconds
            } else if let hash = dub.linkMediaHash, store.media.contains(hash) {
                line.seconds = try MediaProbe.probe(store.media.url(for: hash)).durationSeconds
            } else {
                line.note = "length unknown until the link is fetched (dub run stops before paying)"
            }
            if dub.isChunked, let required = dub.creditsRequired {
                // Cut and preprocessed: the chunks' own credits, each rounded by the provider's rule.
                line.credits = required
                line.note = "\(dub.chunkCount ?? 0) chunks"
            } else if let seconds = line.seconds, let descriptor = descriptors[dub.providerID] {
                let estimate = ChunkPlanner.estimate(seconds: seconds, channels: 2, provider: descriptor, chunkSeconds: dub.chunkSeconds)
                line.credits = estimate.credits
                if estimate.chunks > 1 { line.note = "about \(estimate.chunks) chunks (cut in pauses when run)" }
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
