import Foundation

/// Runs many dubs side by side: at most a provider's job limit at a time for each provider, their
/// requests paced to its rate, each dub's failure kept to itself.
public struct DubBatch: Sendable {
    /// How one dub of the batch ended.
    public enum Outcome: Sendable {
        /// It ran to `done`, `error` or `cancelled`; the dub as stored.
        case finished(Dub)
        /// Its paid step would cross the budget; it stays `preprocessed`.
        case overBudget(Dub, DubKitError)
        /// It could not run (its provider could not be started, the store failed).
        case failed(id: Int64, Error)
        /// It was not started: an earlier dub of its provider hit the budget, and the batch stops paying.
        case notStarted(Dub)
        /// Another live runner holds its claim: it is left to that runner.
        case leftToHolder(Dub, ClaimHolder)
    }

    public let store: ProjectStore
    /// Jobs at a time for each provider when its descriptor sets no limit (and the cap when it does).
    public var jobsPerProvider: Int
    public var pollInterval: Double?
    public var budget: Int64?
    public var retryDelay: Double?
    /// Called with one line per step of any dub.
    public var report: @Sendable (String) -> Void
    /// Fetches link dubs' links (size cap, progress).
    public var links = LinkDownloader()
    /// Called with a dub's id and the fraction (0...1) of its generate step done, by providers that
    /// convert in place (the local engine).
    public var progress: (@Sendable (Int64, Double) -> Void)?
    /// How long a claim on a dub lasts without renewal, in seconds.
    public var leaseSeconds = LeaseSettings.defaultSeconds

    public init(store: ProjectStore, jobsPerProvider: Int = 4, pollInterval: Double? = nil, budget: Int64? = nil,
                retryDelay: Double? = nil, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.jobsPerProvider = max(1, jobsPerProvider)
        self.pollInterval = pollInterval
        self.budget = budget
        self.retryDelay = retryDelay
        self.report = report
    }

    /// Runs `dubs` (in the order given, within each provider) with the providers `resolve` hands out;
    /// returns each dub's outcome by id.
    public func run(_ dubs: [Dub], resolve: @escaping @Sendable (String) async throws -> any Provider) async -> [Int64: Outcome] {
        let byProvider = Dictionary(grouping: dubs.filter { $0.id != nil }, by: \.providerID)
        return await withTaskGroup(of: [Int64: Outcome].self) { group in
            for (providerID, queue) in byProvider {
                group.addTask { await runQueue(queue, providerID: providerID, resolve: resolve) }
            }
            var outcomes: [Int64: Outcome] = [:]
            for await part in group { outcomes.merge(part) { first, _ in first } }
            return outcomes
        }
    }

    private func runQueue(_ queue: [Dub], providerID: String,
                          resolve: @Sendable (String) async throws -> any Provider) async -> [Int64: Outcome] {
        let base: any Provider
        do {
            base = try await resolve(providerID)
        } catch {
            return Dictionary(uniqueKeysWithValues: queue.compactMap { dub in dub.id.map { ($0, Outcome.failed(id: $0, error)) } })
        }
        let limits = base.descriptor.limits
        // One pacing per provider for the whole batch; a provider handed over already paced keeps its own.
        let provider = PacedProvider.wrapping(base, store: store, pollInterval: pollInterval)
        let width = min(jobsPerProvider, limits.maxConcurrentJobs ?? jobsPerProvider)
        var runner = DubRunner(store: store, provider: provider, pollInterval: pollInterval, budget: budget,
                               links: links, report: report)
        if let retryDelay { runner.retryDelay = retryDelay }
        runner.leaseSeconds = leaseSeconds
        // Every dub runs in one of the provider's job slots, and the chunks of long dubs share them:
        // a dub cut into chunks gives its slot back while they run (see ``JobSlots``).
        let slots = JobSlots(width)
        runner.jobSlots = slots
        let configured = runner
        return await withTaskGroup(of: (Int64, Outcome).self) { group in
            var pending = queue.compactMap(\.id)[...]
            var outcomes: [Int64: Outcome] = [:]
            var budgetHit = false
            // Dubs another runner held when their turn came; taken once the queue is done if their holder
            // has gone meanwhile (a process of this machine that ended frees its claims at once).
            var secondTurn: Set<Int64> = []
            var hadSecondTurn: Set<Int64> = []
            func startNext() -> Bool {
                guard !budgetHit, let id = pending.popFirst() else { return false }
                var runner = configured
                if let progress { runner.progress = { fraction in progress(id, fraction) } }
                let dubRunner = runner
                group.addTask { (id, await slots.runHolding { await Self.outcome(of: id, with: dubRunner) }) }
                return true
            }
            for _ in 0..<width { _ = startNext() }
            while let (id, outcome) = await group.next() {
                outcomes[id] = outcome
                if case .overBudget = outcome { budgetHit = true }
                if case .leftToHolder = outcome, !hadSecondTurn.contains(id) { secondTurn.insert(id) }
                if startNext() { continue }
                // The queue is done: the dubs left to another runner whose claim is free now get their turn.
                let free = secondTurn.filter { id in
                    guard case .leftToHolder? = outcomes[id], let dub = try? store.dub(id), !dub.status.isFinal,
                          dub.status != .error else { return false }
                    return (try? store.holder(of: .dub(id)))??.isLive() != true
                }
                if !free.isEmpty && !budgetHit {
                    secondTurn.subtract(free)
                    hadSecondTurn.formUnion(free)
                    pending.append(contentsOf: free.sorted())
                    for _ in 0..<width { _ = startNext() }
                }
            }
            for id in pending {
                if let dub = try? store.dub(id) { outcomes[id] = .notStarted(dub) }
            }
            return outcomes
        }
    }

    private static func outcome(of id: Int64, with runner: DubRunner) async -> Outcome {
        do {
            return .finished(try await runner.run(id))
        } catch let error as DubKitError {
            if case .budgetExceeded = error, let dub = try? runner.store.dub(id) { return .overBudget(dub, error) }
            if case let .claimedElsewhere(_, _, holder) = error, let dub = try? runner.store.dub(id) { return .leftToHolder(dub, holder) }
            return .failed(id: id, error)
        } catch {
            return .failed(id: id, error)
        }
    }
}
