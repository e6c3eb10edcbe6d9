import DubKit
import DubKitProviderKit
import DubKitHTTP
import DubKitTestSupport
import Foundation
import Testing

/// A service that takes a job in one POST and converts on its side, over real HTTP: `POST /jobs`
/// creates one (`{"id"}`), `GET /jobs` lists them, `GET /jobs/{id}` reads one (`{"id", "done"}`).
struct QueueService: SubmittingService {
    struct Job: SubmittedJob {
        var id: String
        var stage: SubmissionStage = .created
        var inputDurationMs: Int64?
        var submittedAt: Date?
        var remoteID: String?
    }

    struct Remote: Codable, Sendable {
        var id: String
        var done = false
    }

    let api: ProviderAPI<ServiceError>

    var finished: String { "a finished job" }

    func credits(_ job: Job) -> Int64? { job.inputDurationMs.map { $0 / 1000 } }

    func settle(_ job: Job, claimed: Set<String>) async throws(ServiceError) -> Job? {
        var job = job
        let unclaimed = try await api.call(.get, "jobs", decoding: [Remote].self).first { !claimed.contains($0.id) }
        job.remoteID = unclaimed?.id
        job.stage = unclaimed == nil ? .preprocessed : .submitted
        return job
    }

    func submit(_ job: Job, files: URL) async throws(ServiceError) -> (id: String, state: DubJobState) {
        let remote = try await api.call(.post, "jobs", decoding: Remote.self)
        return (remote.id, DubJobState(jobID: job.id, status: .queued))
    }

    func mayHaveArrived(_ error: ServiceError) -> Bool { error.isAnswerLost }

    func read(_ remote: String, of job: Job) async throws(ServiceError) -> DubJobState {
        let found = try await api.call(.get, "jobs/\(remote)", decoding: Remote.self)
        return DubJobState(jobID: job.id, status: found.done ? .done : .processing)
    }

    func download(_ remote: String, to destination: URL) async throws(ServiceError) {}
}

@Suite("submitted dubs: the request sent once, a lost answer settled before anything is sent again")
struct SubmittedJobsTests {
    enum Answer { case accept, refuse, hangUp }

    @Test("refused goes back to preprocessed and is sent again; an answer lost stays submitting and is found, not sent twice")
    func sentOnce() async throws {
        let answer = Locked(Answer.refuse)
        let created = Locked<[String]>([])
        let server = try TestHTTPServer { request in
            switch (request.method, request.path) {
            case ("POST", "/jobs"):
                if answer.current == .refuse { return .text("no", status: 422) }
                let id = "r\(created.withLock { $0.append("r\($0.count + 1)"); return $0.count })"
                if answer.current == .hangUp { var response = TestHTTPResponse(); response.hangsUp = true; return response }
                return .json(QueueService.Remote(id: id))
            case ("GET", "/jobs"): return .json(created.current.map { QueueService.Remote(id: $0) })
            default: return .json(QueueService.Remote(id: String(request.path.dropFirst(6)), done: true))
            }
        }
        let api = try ProviderAPI<ServiceError>(baseURL: server.baseURL, variable: "SERVICE_BASE_URL") { () throws(ServiceError) -> String in "k" }
        let dir = try TemporaryDirectory("submitted-jobs")
        let dubs = SubmittedJobs(folder: dir.url, service: QueueService(api: api))
        for id in ["a", "b"] {
            _ = try dubs.create(QueueService.Job(id: id))
            _ = try await dubs.upload(jobID: id) { (job: inout QueueService.Job) throws(ServiceError) in job.inputDurationMs = 4_000 }
            let measured = try await dubs.preprocess(jobID: id, ready: { _ in true }, missing: .invalidValue(field: "input", value: "", allowed: ""))
            #expect(measured.status == .preprocessed && measured.creditsRequired == 4)
        }

        await #expect(throws: ServiceError.self) { _ = try await dubs.generate(jobID: "a") }
        #expect(try dubs.jobs.load("a").stage == .preprocessed && created.current.isEmpty)

        answer.withLock { $0 = .hangUp }
        await #expect(throws: ServiceError.self) { _ = try await dubs.generate(jobID: "a") }
        #expect(try dubs.jobs.load("a").stage == .submitting && created.current == ["r1"])

        answer.withLock { $0 = .accept }
        #expect(try await dubs.poll(jobID: "a").status == .done) // found among the service's jobs
        #expect(try await dubs.generate(jobID: "a").status == .done && created.current == ["r1"])
        // Another dub's POST makes a job of its own; r1 is claimed by "a".
        #expect(try await dubs.generate(jobID: "b").status == .queued && created.current == ["r1", "r2"])
        #expect(try dubs.jobs.load("b").remoteID == "r2")
    }
}
