import DubKit
import DubKitHTTP
import Foundation

/// The dubs of a ``SynchronousService``: one ``SynchronousJob`` per dub in a folder that outlives the
/// process (`<id>.json`, the staged input and the result under `<id>/`), walked through the provider
/// lifecycle. Upload stages the input and preprocess measures it, both on this machine; generate sends
/// the conversion once, writes its audio to a part file as it arrives and stores the result before it
/// marks the job converted (a failure before that rolls the job back, so the next generate sends it
/// again); poll answers from the job; download copies the result. A job goes once its dub is done;
/// the results of jobs left behind are removed a while after they were stored. Every failure comes
/// as the adapter's own error type.
public struct SynchronousDubs<Service: SynchronousService>: Sendable {
    public typealias Job = SynchronousJob<Service.Conversion>

    /// Results of jobs whose dub was not done stay this long after they were stored (a download cut
    /// off by a crash needs them), then are removed when a new job is created.
    public static var resultLifetime: TimeInterval { 7 * 24 * 3600 }

    /// The service the requests go to.
    public let service: Service
    /// The job records.
    public let jobs: JobFolder<Job, Service.Failure>

    /// The dubs kept in `folder`, sent to `service`.
    public init(folder: URL, service: Service) {
        self.service = service
        jobs = JobFolder(folder)
    }

    /// Records a new job for `conversion` (checked by the adapter), after removing results past their lifetime.
    public func create(_ conversion: Service.Conversion) throws(Service.Failure) -> DubJobState {
        pruneOldResults()
        let job = Job(id: UUID().uuidString.lowercased(), conversion: conversion)
        try jobs.save(job)
        return DubJobState(jobID: job.id, status: .new)
    }

    /// Stages `audio` as the job's input; a job past upload is left as it is.
    public func upload(jobID: String, audio: URL) async throws(Service.Failure) -> DubJobState {
        var job = try jobs.load(jobID)
        guard job.stage == .created || job.stage == .uploaded else { return state(job) }
        let staged = try await service.stage(audio, into: jobs.files(jobID), for: job.conversion)
        job.input = staged.name
        job.inputContentType = staged.contentType
        job.inputDurationMs = staged.durationMs
        job.stage = .uploaded
        try jobs.save(job)
        return state(job)
    }

    /// Marks an uploaded job measured, with the credits generate will cost.
    public func preprocess(jobID: String) throws(Service.Failure) -> DubJobState {
        var job = try jobs.load(jobID)
        guard job.input != nil, job.inputDurationMs != nil else {
            throw .invalidValue(field: service.inputField, value: "none", allowed: "an uploaded input (upload comes first)")
        }
        if job.stage == .uploaded { job.stage = .preprocessed }
        try jobs.save(job)
        return state(job)
    }

    /// Sends the conversion once and stores its audio; `progress` follows the audio bytes written against
    /// what the input's length should give. A job whose result is stored is not sent again.
    public func generate(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws(Service.Failure) -> DubJobState {
        var job = try jobs.load(jobID)
        let folder = jobs.files(jobID)
        if job.stage == .converted, let result = job.result,
           FileManager.default.fileExists(atPath: folder.appendingPathComponent(result).path) {
            return state(job)
        }
        guard job.stage == .preprocessed || job.stage == .converting || job.stage == .converted,
              let input = job.input, let contentType = job.inputContentType else {
            throw .invalidValue(field: "job \(jobID) stage", value: job.stage.rawValue, allowed: "preprocessed")
        }
        let audio = folder.appendingPathComponent(input)
        guard FileManager.default.fileExists(atPath: audio.path) else {
            throw .jobState(path: audio.path, detail: "the staged input is gone; run `dubkit dub retry` to start a new job")
        }
        job.stage = .converting
        job.attempts += 1
        try jobs.save(job)

        let answer = service.answer(to: job.conversion)
        let part = folder.appendingPathComponent("result.part")
        try? FileManager.default.removeItem(at: part)
        let expected = Double(max(1, job.inputDurationMs ?? 1)) / 1000 * Double(answer.bytesPerSecond)
        let result = "result.\(answer.fileExtension)"
        let headers: HTTPHeaders
        do throws(Service.Failure) {
            headers = try await service.send(job.conversion, input: audio, contentType: contentType, to: part, in: folder) { written in
                progress(min(0.99, Double(written) / expected))
            }
            try answer.store(part, to: folder.appendingPathComponent(result), as: Service.Failure.self)
        } catch {
            // No audio stored. Refused, or never sent whole: nothing was charged, and the job goes back to
            // be sent again. Sent and its answer lost: it may have been charged, and the service keeps no
            // job to look up, so the job stays `converting` and ``lookUp(jobID:)`` says so.
            try? FileManager.default.removeItem(at: part)
            if !error.isAnswerLost {
                job.stage = .preprocessed
                try jobs.save(job)
            }
            throw error
        }
        job.result = result
        job.requestID = service.requestIDHeaders.lazy.compactMap { headers[$0] }.first
        job.convertedAt = Date()
        job.stage = .converted
        try jobs.save(job)
        // The staged input is no longer needed once the result is stored.
        try? FileManager.default.removeItem(at: audio)
        progress(1)
        return state(job)
    }

    /// What can be told of a generate whose answer never reached the core: a stored result means it was
    /// taken; a job still `converting` was sent and its answer lost (or its process stopped), and the
    /// service keeps nothing to look it up by; any other stage means it was never sent.
    public func lookUp(jobID: String, service name: String) throws(Service.Failure) -> PaidRequestLookup {
        let job = try jobs.load(jobID)
        switch job.stage {
        case .converted: return .received(state(job))
        case .converting:
            return .cannotTell("\(name) keeps no record of a conversion to look up, and this one was sent without its answer arriving")
        case .created, .uploaded, .preprocessed: return .notReceived
        }
    }

    /// Where the job stands.
    public func poll(jobID: String) throws(Service.Failure) -> DubJobState {
        state(try jobs.load(jobID))
    }

    /// Copies the stored result of a converted job to `destination`.
    public func download(jobID: String, to destination: URL) throws(Service.Failure) {
        let job = try jobs.load(jobID)
        guard job.stage == .converted, let result = job.result else {
            throw .invalidValue(field: "job \(jobID)", value: job.stage.rawValue, allowed: "a converted job")
        }
        let file = jobs.files(jobID).appendingPathComponent(result)
        do {
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: file, to: destination)
        } catch {
            throw .jobState(path: file.path, detail: "the stored result cannot be copied (\(error.localizedDescription)); run `dubkit dub retry` to convert again")
        }
    }

    /// Forgets a job whose dub is done (its result is in the project): its record and its files go.
    public func release(jobID: String) {
        jobs.remove(jobID)
    }

    /// Removes the files of jobs whose result was stored longer ago than ``resultLifetime`` (jobs whose
    /// dub never came to be done: a done dub's job is removed by ``release(jobID:)``).
    public func pruneOldResults(now: Date = Date()) {
        for job in jobs.all() {
            guard let stored = job.convertedAt, now.timeIntervalSince(stored) > Self.resultLifetime else { continue }
            try? FileManager.default.removeItem(at: jobs.files(job.id))
        }
    }

    /// The credits the job's conversion costs, by the service's billing.
    public func credits(_ job: Job) -> Int64? {
        job.inputDurationMs.map { service.billing.credits(forSeconds: Double($0) / 1000) }
    }

    /// The job as the core sees it.
    public func state(_ job: Job) -> DubJobState {
        switch job.stage {
        case .created: DubJobState(jobID: job.id, status: .new)
        case .uploaded: DubJobState(jobID: job.id, status: .uploaded, inputDurationMs: job.inputDurationMs)
        case .preprocessed, .converting:
            DubJobState(jobID: job.id, status: .preprocessed, inputDurationMs: job.inputDurationMs, creditsRequired: credits(job))
        case .converted:
            DubJobState(jobID: job.id, status: .done, inputDurationMs: job.inputDurationMs, creditsRequired: credits(job),
                        creditsUsed: credits(job))
        }
    }
}
