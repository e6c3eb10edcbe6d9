import DubKit
import Foundation

/// How far a dub at a service that takes the input and starts the conversion in one request got.
public enum SubmissionStage: String, Codable, Sendable {
    /// Created; no audio yet.
    case created
    /// The input is staged (or published) as it will be sent.
    case uploaded
    /// Measured; ready for the request.
    case preprocessed
    /// The request was sent and its answer not yet recorded.
    case submitting
    /// The service answered with its job's id.
    case submitted
}

/// A dub's record at such a service, as ``SubmittedJobs`` walks it.
public protocol SubmittedJob: JobRecord {
    /// The service's id of its job.
    associatedtype RemoteID: Codable & Sendable & Hashable
    var stage: SubmissionStage { get set }
    var inputDurationMs: Int64? { get set }
    /// When the request was last sent.
    var submittedAt: Date? { get set }
    var remoteID: RemoteID? { get set }
}

/// A service that takes the input and starts the conversion in one request, then converts on its side
/// (Kits.ai, the voice-convert service): its own wire calls, as ``SubmittedJobs`` uses them.
public protocol SubmittingService: Sendable {
    associatedtype Job: SubmittedJob
    /// The adapter's error type.
    associatedtype Failure: AdapterError

    /// What a job that has no result yet is not, for messages (`a completed task`).
    var finished: String { get }
    /// The credits the job's conversion will cost, once its input is measured.
    func credits(_ job: Job) -> Int64?
    /// After a request whose answer was lost: the job found at the service (submitted, not among
    /// `claimed`) or to be sent again (preprocessed); nil when the service keeps nothing to look up.
    func settle(_ job: Job, claimed: Set<Job.RemoteID>) async throws(Failure) -> Job?
    /// Sends the job's request once (its staged files in `files`); answers the service's id of its job and its state.
    func submit(_ job: Job, files: URL) async throws(Failure) -> (id: Job.RemoteID, state: DubJobState)
    /// Whether a request that failed so may have reached the service (the job then stays `submitting`).
    func mayHaveArrived(_ error: Failure) -> Bool
    /// The service's job, read once, in DubKit's words.
    func read(_ remote: Job.RemoteID, of job: Job) async throws(Failure) -> DubJobState
    /// Downloads the finished job's result to `destination`.
    func download(_ remote: Job.RemoteID, to destination: URL) async throws(Failure)
}

/// The dubs of a ``SubmittingService``, kept in a folder: the flow its adapters share — the input staged
/// here, the request sent once (a lost answer settled before it is sent again), the service's job read
/// until it settles, its result downloaded — around each service's own calls.
public struct SubmittedJobs<Service: SubmittingService>: Sendable {
    public typealias Job = Service.Job
    public typealias Failure = Service.Failure

    /// The service the requests go to.
    public let service: Service
    /// The job records (`<id>.json`, staged files under `<id>/`).
    public let jobs: JobFolder<Job, Failure>

    /// The dubs kept in `folder`, sent to `service`.
    public init(folder: URL, service: Service) {
        self.service = service
        jobs = JobFolder(folder)
    }

    /// Records a new job.
    public func create(_ job: Job) throws(Failure) -> DubJobState {
        try jobs.save(job)
        return DubJobState(jobID: job.id, status: .new)
    }

    /// Stages the job's input with `stage` (which records it and its length); a job not sent yet is uploaded.
    public func upload(jobID: String, stage: (inout Job) async throws(Failure) -> Void) async throws(Failure) -> DubJobState {
        var job = try jobs.load(jobID)
        try await stage(&job)
        if job.stage == .created || job.stage == .uploaded { job.stage = .uploaded }
        try jobs.save(job)
        return try await state(job)
    }

    /// Marks an uploaded job measured, after `prepare` (which may stage a job that has none yet);
    /// `missing` is thrown unless the job has its input (`ready`) and its length.
    public func preprocess(jobID: String, prepare: (inout Job) async throws(Failure) -> Void = { _ in },
                           ready: (Job) -> Bool, missing: Failure) async throws(Failure) -> DubJobState {
        var job = try jobs.load(jobID)
        try await prepare(&job)
        guard job.inputDurationMs != nil, ready(job) else { throw missing }
        if job.stage == .uploaded { job.stage = .preprocessed }
        try jobs.save(job)
        return try await state(job)
    }

    /// The paid step, once: a job whose request was answered is only read; one whose answer was lost is
    /// settled first (found at the service, or sent again). The job is `submitting` while the request is
    /// out: refused or never sent whole, it goes back to `preprocessed`; maybe received, it stays.
    public func generate(jobID: String) async throws(Failure) -> DubJobState {
        var job = try await settled(try jobs.load(jobID))
        if job.stage == .submitted { return try await state(job) }
        guard job.stage == .preprocessed || job.stage == .submitting else {
            throw .invalidValue(field: "job \(jobID) stage", value: job.stage.rawValue, allowed: "preprocessed")
        }
        job.stage = .submitting
        job.submittedAt = Date()
        try jobs.save(job)
        let answer: (id: Job.RemoteID, state: DubJobState)
        do {
            answer = try await service.submit(job, files: jobs.files(jobID))
        } catch {
            if !service.mayHaveArrived(error) {
                job.stage = .preprocessed
                job.submittedAt = nil
                try jobs.save(job)
            }
            throw error
        }
        job.remoteID = answer.id
        job.stage = .submitted
        try jobs.save(job)
        return answer.state
    }

    /// Where the job stands (a lost answer settled first, where the service can tell).
    public func poll(jobID: String) async throws(Failure) -> DubJobState {
        try await state(try await settled(try jobs.load(jobID)))
    }

    /// Downloads the finished job's result; answers the job, for what the adapter removes after.
    public func download(jobID: String, to destination: URL) async throws(Failure) -> Job {
        let job = try jobs.load(jobID)
        guard let remote = job.remoteID else {
            throw .invalidValue(field: "job \(jobID)", value: job.stage.rawValue, allowed: service.finished)
        }
        try await service.download(remote, to: destination)
        return job
    }

    /// The job as the core sees it; a submitted one is read from the service.
    public func state(_ job: Job) async throws(Failure) -> DubJobState {
        switch job.stage {
        case .created: return DubJobState(jobID: job.id, status: .new)
        case .uploaded: return DubJobState(jobID: job.id, status: .uploaded, inputDurationMs: job.inputDurationMs)
        case .preprocessed, .submitting:
            return DubJobState(jobID: job.id, status: .preprocessed, inputDurationMs: job.inputDurationMs,
                               creditsRequired: service.credits(job))
        case .submitted:
            guard let remote = job.remoteID else {
                throw .jobState(path: jobs.url(job.id).path, detail: "submitted without the service's id of its job")
            }
            return try await service.read(remote, of: job)
        }
    }

    /// A job whose request's answer was lost, settled where the service can tell (and recorded so).
    private func settled(_ job: Job) async throws(Failure) -> Job {
        guard job.stage == .submitting,
              let found = try await service.settle(job, claimed: Set(jobs.all().compactMap(\.remoteID))) else { return job }
        try jobs.save(found)
        return found
    }
}
