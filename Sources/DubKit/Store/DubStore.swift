import Foundation

/// The dubs of a project, their stage attempts and their lifecycle, as the core's use cases and the
/// CLI reach them on either store: SQLite (``ProjectStore``) or PostgreSQL (`PostgresStore`, module
/// DubKitPostgres). Both keep the same rules (the lifecycle table, one transaction a stage's end and
/// the next status) and throw the same ``DubKitError``s for them; a store's own failure is its own
/// typed error (``DubKitError/storage(path:reason:)`` on SQLite, `PostgresStoreError` on PostgreSQL).
///
/// The requirements are `async`: PostgreSQL's are network calls; SQLite's synchronous methods meet
/// them as they are.
public protocol DubRecordStore: Sendable {
    /// The project's name, as errors name it.
    var name: String { get }
    /// Stores a new dub (status `new`) and logs its creation; returns it with its id.
    func createDub(_ dub: Dub) async throws -> Dub
    /// The dub with this id, or ``DubKitError/notFound(entity:key:project:)``.
    func dub(_ id: Int64) async throws -> Dub
    /// Every dub, oldest first, optionally only those in one status (chunks only when `chunks`), and apart
    /// the rows that cannot be read as dubs.
    func dubListing(status: DubStatus?, chunks: Bool) async throws -> (dubs: [Dub], damaged: [DamagedRecord])
    /// Moves a dub through its lifecycle (checked against the table, logged) in one transaction, `change`
    /// applied first; returns the dub as left.
    @discardableResult
    func transitionDub(_ id: Int64, to next: DubStatus, failure: FailureInfo?, message: String?,
                       updating change: ((inout Dub) -> Void)?) async throws -> Dub
    /// Changes a dub's non-status fields in one transaction, registering `media` in it.
    @discardableResult
    func updateDub(_ id: Int64, registering media: [MediaRef], _ change: (inout Dub) -> Void) async throws -> Dub
    /// The chunks of a dub cut into chunks, in order.
    func chunks(of parent: Int64) async throws -> [Dub]
    /// The stage attempts of a dub, in the order they started.
    func stageAttempts(dub id: Int64) async throws -> [StageAttempt]
    /// Records the start of an attempt at a dub's stage (numbered after the earlier ones); `dangling`
    /// closes an attempt at the stage left running, `next` moves the dub first, in the same transaction.
    func beginStage(_ stage: StageAttempt.Stage, dub id: Int64, fingerprint: String?, jobID: String?,
                    closing dangling: FailureInfo?, moving next: DubStatus?) async throws -> StageAttempt
    /// Records how an attempt ended and, in the same transaction, what its stage produced and the
    /// dub's next status; returns the dub as left (nil for a voice's attempt).
    @discardableResult
    func finishStage(_ attempt: StageAttempt, outcome: StageAttempt.Outcome, jobID: String?, failure: FailureInfo?,
                     then next: DubStatus?, registering media: [MediaRef],
                     updating change: ((inout Dub) -> Void)?) async throws -> Dub?
    /// The latest attempt at a dub's stage, if any.
    func lastAttempt(_ stage: StageAttempt.Stage, dub id: Int64) async throws -> StageAttempt?
}

/// The project's append-only log.
public protocol EventLogStore: Sendable {
    /// The log of one entity (or of the whole project when `id` is nil), oldest first.
    func events(of entity: EntityKind?, id: Int64?) async throws -> [Event]
    /// Adds a note to the log of a dub or voice.
    func note(_ message: String, on entity: EntityKind, id: Int64) async throws
}

/// Claims, leases and fences (docs/workflow.md): a dub or a voice training is advanced only by the
/// runner holding its claim, and every write of a store fenced by a claim is conditional on it.
public protocol ClaimStore: Sendable {
    /// Takes the claim on `subject` for `runner`: free, its lease run out, its holder gone, or held by
    /// `runner` itself; whoever holds it with `force`. Throws
    /// ``DubKitError/claimedElsewhere(entity:id:holder:)`` when another live runner holds it.
    func claim(_ subject: ClaimSubject, leaseSeconds: Double, runner: RunnerIdentity, force: Bool, now: Date) async throws -> Claim
    /// Renews the claim's lease; throws ``DubKitError/claimLost(entity:id:fence:holder:)`` when it was taken over.
    func renew(_ claim: Claim) async throws
    /// Gives the claim up (the fence stays); nothing happens when it was taken over meanwhile.
    func release(_ claim: Claim) async throws
    /// Who holds `subject`'s claim, when anyone does.
    func holder(of subject: ClaimSubject) async throws -> ClaimHolder?
    /// The holders of the dubs' claims, by dub id.
    func dubHolders() async throws -> [Int64: ClaimHolder]
    /// The same store with every write conditional on `claim` (refused with
    /// ``DubKitError/claimLost(entity:id:fence:holder:)`` once it was taken over; each accepted write renews it).
    func fenced(by claim: Claim) -> Self
}

/// The ledger of paid calls and the budget it counts against (docs/workflow.md, "The ledger of paid calls").
public protocol PaidCallLedger: Sendable {
    /// Credits spent, committed and possibly charged (see ``ProjectStore/committedCredits()``).
    func committedCredits() async throws -> Int64
    /// Checks the budget and records the intent of dub `id`'s generate request (its attempt and its open
    /// ledger entry) in one transaction; refuses a dub that is not `preprocessed` any more.
    func beginGenerate(dub id: Int64, required: Int64, budget: Int64?, fingerprint: String,
                       jobID: String?) async throws -> StageAttempt
    /// Settles a ledger entry (conditional on the store's claim, as every write).
    func settle(_ entry: PaidCall, _ state: PaidCall.State, note: String?) async throws
    /// The ledger entries of a dub, oldest first.
    func paidCalls(dub id: Int64) async throws -> [PaidCall]
    /// Every ledger entry of the project, oldest first.
    func paidCalls() async throws -> [PaidCall]
}

/// A project's voices and datasets (SQLite only for now).
public protocol VoiceDatasetStore: Sendable {
    /// Every voice of the project, optionally of one provider.
    func voiceListing(provider: String?) async throws -> (voices: [Voice], damaged: [DamagedRecord])
    /// The voice with this id.
    func voice(_ id: Int64) async throws -> Voice
    /// Every dataset of the project.
    func datasets() async throws -> [Dataset]
    /// The dataset of this name.
    func dataset(named datasetName: String) async throws -> Dataset
}

/// The project's budget and summary (SQLite only for now).
public protocol BudgetStore: Sendable {
    /// Sets the project's default budget (nil: none).
    func setBudget(_ credits: Int64?) async throws
    /// The project's counts and credits.
    func summary() async throws -> ProjectSummary
}

/// Deleting a project's dubs, voices and datasets (SQLite only for now).
public protocol DeletionStore: Sendable {
    /// Deletes a dub and what only it used.
    func deleteDub(_ id: Int64) async throws -> Deletion
    /// Deletes a voice (`PROVIDER:NAME`).
    func deleteVoice(_ key: String) async throws -> Deletion
    /// Deletes a dataset and its files' records.
    func deleteDataset(_ datasetName: String) async throws -> Deletion
}

/// The dub side of a project's store, which both stores implement: dubs, stages, the log, claims, the
/// paid-call ledger and the providers' shared pacing.
public typealias DubStore = DubRecordStore & EventLogStore & ClaimStore & PaidCallLedger & PaceStore

extension ProjectStore: DubRecordStore, EventLogStore, ClaimStore, PaidCallLedger, VoiceDatasetStore, BudgetStore, DeletionStore {}
