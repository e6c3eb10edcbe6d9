import DubKitMedia
import Foundation

/// What dubs will cost before anything is paid, by each provider's own rule (`dub estimate`).
public struct CostEstimate: Sendable, Encodable {
    /// One dub's estimate.
    public struct Line: Sendable, Encodable {
        public var id: Int64
        public var voice: String
        /// The input's length, when known.
        public var seconds: Double?
        /// The credits, when the length is known.
        public var credits: Int64?
        /// Why the figure is what it is (chunks, a link not yet fetched).
        public var note: String?
    }

    public var dubs: [Line]
    public var totalCredits: Int64
    public var committedCredits: Int64
    public var budgetCredits: Int64?

    /// The statuses of dubs whose paid step has not been sent: those `--all` estimates.
    public static let unpaid: Set<DubStatus> = [.new, .uploading, .uploaded, .preprocessing, .preprocessed]

    /// The credits a dub's paid step requires once its input is measured: the provider's own figure
    /// when it gives one, else the adapter's price for the measured length. The one pricing rule the
    /// runner records and the estimate shows.
    public static func required(reported: Int64?, inputDurationMs: Int64?, provider: any Provider,
                                parameters: DubParameters) -> Int64? {
        reported ?? inputDurationMs.map { provider.estimateCredits(seconds: Double($0) / 1000, parameters: parameters) }
    }

    /// Estimates `dubs` of `store`, asking `registry` for their providers (each once).
    public static func make(_ dubs: [Dub], store: ProjectStore, registry: ProviderRegistry) async throws -> CostEstimate {
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
        return CostEstimate(dubs: lines, totalCredits: lines.compactMap(\.credits).reduce(0, +),
                            committedCredits: try store.committedCredits(), budgetCredits: try store.info().budgetCredits)
    }
}
