import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// The workflow engine's budget, log, batch, polling and control commands through the built `dubkit`
/// against the fake VoiceDub, checked from both sides: the project's store and the fake's own records.
@Suite("workflow budget, log, batches and control against the fake VoiceDub")
struct WorkflowControlTests {
    static let key = "vdk-control-91c4"

    let dir: TemporaryDirectory
    let fake: FakeVoiceDub
    let environment: [String: String]

    init() throws {
        dir = try TemporaryDirectory()
        fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 100_000, stageDuration: .milliseconds(100)))
        environment = ["DUBKIT_WORKSPACE": dir.path("ws").path, "VOICEDUB_BASE_URL": fake.baseURL.absoluteString,
                       "VOICEDUB_API_KEY": Self.key, "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_RETRY_DELAY": "0.05",
                       "DUBKIT_CONFIG_DIR": dir.path("config").path]
    }

    func dubkit(_ arguments: [String], environment extra: [String: String] = [:]) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments, environment: environment.merging(extra) { $1 }, currentDirectory: dir.url)
    }

    func store() throws -> ProjectStore {
        try Workspace(root: dir.path("ws")).openProject("p")
    }

    /// Creates the project (with a budget when given) once, then `count` dubs of short tones; returns their ids.
    func createDubs(_ count: Int, budget: Int? = nil) throws -> [Int64] {
        if !FileManager.default.fileExists(atPath: dir.path("ws/p").path) {
            var arguments = ["project", "create", "p"]
            if let budget { arguments += ["--budget", String(budget)] }
            let made = try dubkit(arguments)
            #expect(made.status == 0, "\(made.stderr)")
        }
        let voice = try #require(fake.publicVoices.first?.id)
        return try (0..<count).map { index in
            let audio = dir.path("line-\(UUID().uuidString).wav")
            try Fixtures.tone(audio, seconds: 1 + Double(index % 3) * 0.25, frequency: 200 + index * 11)
            return try createDub(voice: voice, file: audio)
        }
    }

    func createDub(voice: String, file: URL, environment extra: [String: String] = [:]) throws -> Int64 {
        let created = try dubkit(["dub", "create", "--project", "p", "--voice", "voicedub:\(voice)", "--file", file.path],
                                 environment: extra)
        #expect(created.status == 0, "\(created.stderr)")
        return try #require(Int64(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Seconds between consecutive instants.
    static func gaps(_ times: [ContinuousClock.Instant]) -> [Double] {
        zip(times, times.dropFirst()).map { earlier, later in
            let d = later - earlier
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
    }

    /// Waits (up to `timeout` seconds) until `condition` holds.
    static func wait(_ timeout: Double = 20, until condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    // MARK: Budget

    @Test("a budget refuses a VoiceDub training before anything is cloned; voice run --budget trains it, and its credits count against dubs")
    func trainingBudget() throws {
        let made = try dubkit(["project", "create", "p", "--budget", "10"])
        #expect(made.status == 0, "\(made.stderr)")
        let take = dir.path("take.wav")
        #expect(try ChildProcess.run("/usr/bin/espeak-ng", ["-w", take.path, "A take for the narrator's new voice."]).status == 0)
        #expect(try dubkit(["dataset", "add", "--project", "p", "narrator", take.path]).status == 0)

        // 5 minutes at 10 credits a minute: 50 credits, over the project's 10. Nothing is created.
        let refused = try dubkit(["voice", "train", "--project", "p", "narrator", "--dataset", "narrator",
                                  "--provider", "voicedub", "--max-minutes", "5"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("voice voicedub:narrator was not trained: training costs 50 credits"), "\(refused.stderr)")
        #expect(fake.calls(.createVoice) == 0 && fake.calls(.cloneVoice) == 0)
        #expect(try store().voices().isEmpty)

        // A training already created (as an interrupted `voice train` leaves it) is refused at its paid step:
        // the check and the intent are one transaction before any upload or clone.
        let store = try store()
        let dataset = try store.dataset(named: "narrator")
        let voice = try store.createVoice(Voice(providerID: "voicedub", name: "narrator", datasetID: dataset.id, maxMinutes: 5))
        let id = try #require(voice.id)
        let stopped = try dubkit(["voice", "run", "--project", "p", "--all"])
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("budget"), "\(stopped.stderr)")
        #expect(fake.calls(.createVoice) == 1) // free at VoiceDub
        #expect(fake.calls(.uploadVoiceFile) == 0 && fake.calls(.cloneVoice) == 0)
        #expect(try store.voice(id).status == .uploading)
        #expect(try store.lastAttempt(.train, voice: id) == nil)

        let trained = try dubkit(["voice", "run", "--project", "p", "--all", "--budget", "55"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let done = try store.voice(id)
        #expect(done.status == .done && done.creditsUsed == 50 && done.creditsRequired == 50)
        #expect(fake.calls(.cloneVoice) == 1)
        #expect(try store.committedCredits() == 50)

        // The training's 50 credits leave 5 of a 55 budget: a 10-credit dub is refused before generate.
        let dub = try createDubs(1)[0]
        let over = try dubkit(["dub", "run", "--project", "p", String(dub), "--budget", "55"])
        #expect(over.status == 1 && over.stderr.contains("50 of the budget of 55"), "\(over.stderr)")
        #expect(fake.calls(.generateDub) == 0)
    }

    // MARK: The log

    @Test("a generate whose answer is lost after VoiceDub acted is looked up, not sent again, and dub log says so")
    func lostAnswerIsLookedUpAndLogged() throws {
        let id = try createDubs(1)[0]
        fake.inject(.dropAfterProcessing, on: .generateDub)
        let ran = try dubkit(["dub", "run", "--project", "p", "--all"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let job = try #require(try store().dub(id).providerJobID)
        #expect(fake.calls(.generateDub, id: job) == 1)
        #expect(fake.dub(job)?.status == "done")

        let log = try dubkit(["dub", "log", "--project", "p", String(id)])
        #expect(log.status == 0)
        let line = log.stdout.split(separator: "\n").first { $0.contains("looked the job up") }
        #expect(line?.contains("generate was lost") == true && line?.contains("not sent again") == true, "\(log.stdout)")
        let events = try store().events(of: .dub, id: id)
        #expect(events.contains { $0.kind == .note && ($0.message ?? "").contains("had reached VoiceDub") })
    }

    // MARK: Batches

    @Test("in a batch, a dub with a broken source and one VoiceDub fails end in clear errors while the others finish")
    func oneFailingDubDoesNotStopTheBatch() throws {
        let ids = try createDubs(4)
        // dub create refuses a file that is not audio, so the file breaks after the dub was created.
        let broken = dir.path("broken.wav")
        try Fixtures.tone(broken, seconds: 1)
        let brokenID = try createDub(voice: try #require(fake.publicVoices.first?.id), file: broken)
        try Data("this is not audio at all".utf8).write(to: broken)
        fake.inject(.dubFails(code: "voice_model_unavailable", message: "the voice model could not be loaded"), on: .generateDub)

        let ran = try dubkit(["dub", "run", "--project", "p", "--all", "--jobs", "3"])
        #expect(ran.status == 1)
        let store = try store()
        let dubs = try (ids + [brokenID]).map { try store.dub($0) }
        let failed = dubs.filter { $0.status == .error }
        #expect(dubs.filter { $0.status == .done }.count == 3, "\(dubs.map { "\($0.id ?? 0) \($0.status)" })")
        #expect(failed.count == 2)
        let source = try store.dub(brokenID)
        #expect(source.status == .error && (source.errorMessage ?? "").contains("broken.wav"), "\(source.errorMessage ?? "")")
        #expect(failed.contains { $0.errorCode == "voice_model_unavailable" && ($0.errorMessage ?? "").contains("could not be loaded") })
        // Each dub that reached generate sent it once; the broken one never reached VoiceDub's paid step.
        #expect(fake.calls(.generateDub) == 4)
    }

    @Test("a batch of 6 dubs never reads one dub sooner than the poll interval after its last read")
    func pollsKeepTheirInterval() throws {
        let ids = try createDubs(6)
        let ran = try dubkit(["dub", "run", "--project", "p", "--all", "--jobs", "6"], environment: ["DUBKIT_POLL_INTERVAL": "0.3"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let store = try store()
        for id in ids {
            let job = try #require(try store.dub(id).providerJobID)
            let reads = fake.callTimes(.getDub, id: job)
            #expect(reads.count >= 3)
            #expect(Self.gaps(reads).allSatisfy { $0 >= 0.3 - 0.02 }, "dub \(id) read \(Self.gaps(reads)) s apart")
        }
    }

    // MARK: Retry and cancel

    @Test("dub retry after VoiceDub failed the job creates a new job, says it is paid again, and generates it once")
    func retryAfterTheProviderFailed() throws {
        let id = try createDubs(1)[0]
        fake.inject(.dubFails(code: "generation_failed", message: "the renderer crashed"), on: .generateDub)
        let failed = try dubkit(["dub", "run", "--project", "p", String(id)])
        #expect(failed.status == 1)
        let store = try store()
        let first = try store.dub(id)
        #expect(first.status == .error && first.errorCode == "generation_failed")
        let firstJob = try #require(first.providerJobID)

        let retried = try dubkit(["dub", "retry", "--project", "p", String(id)])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stderr.contains("attempt 2, from uploading"), "\(retried.stderr)")
        #expect(retried.stderr.contains("a new job is created and its generate is paid for again (10 credits"), "\(retried.stderr)")
        let done = try store.dub(id)
        #expect(done.status == .done && done.creditsUsed == 10)
        let secondJob = try #require(done.providerJobID)
        #expect(secondJob != firstJob)
        #expect(fake.calls(.generateDub, id: firstJob) == 1 && fake.calls(.generateDub, id: secondJob) == 1)
        let generates = try store.stageAttempts(dub: id).filter { $0.stage == .generate }
        #expect(generates.map(\.attempt) == [1, 2] && generates.map(\.outcome) == [.succeeded, .succeeded])
    }

    @Test("dub retry after a failed download downloads again without paying, as attempt 2 of the download")
    func retryAfterAFailedDownload() throws {
        let id = try createDubs(1)[0]
        // The stored result comes back damaged (not audio): the download fails on DubKit's check.
        fake.inject(.damagedResult, on: .downloadDub, times: 1)
        let failed = try dubkit(["dub", "run", "--project", "p", String(id)])
        #expect(failed.status == 1)
        let store = try store()
        let broken = try store.dub(id)
        #expect(broken.status == .error && (broken.errorCode ?? "").hasPrefix("media."), "\(broken.errorCode ?? ""): \(broken.errorMessage ?? "")")
        let job = try #require(broken.providerJobID)
        #expect(fake.calls(.generateDub, id: job) == 1)
        let failedFrom = try store.events(of: .dub, id: id).last { $0.toStatus == "error" }?.fromStatus
        #expect(failedFrom == "finalizing")

        let retried = try dubkit(["dub", "retry", "--project", "p", String(id)])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stderr.contains("attempt 2, from finalizing: download the finished result again"), "\(retried.stderr)")
        let done = try store.dub(id)
        #expect(done.status == .done && done.resultMediaHash != nil && done.providerJobID == job)
        #expect(fake.calls(.generateDub, id: job) == 1)
        let downloads = try store.stageAttempts(dub: id).filter { $0.stage == .download }
        #expect(downloads.map(\.attempt) == [1, 2] && downloads.map(\.outcome) == [.failed, .succeeded])
    }

    @Test("dub cancel of dubs a running dub run is working on: it stops at its next step and pays nothing more")
    func cancelWhileRunning() throws {
        let slow = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 100_000, stageDuration: .milliseconds(500)))
        let toSlow = ["VOICEDUB_BASE_URL": slow.baseURL.absoluteString]
        let voice = try #require(slow.publicVoices.first?.id)
        #expect(try dubkit(["project", "create", "p"]).status == 0)
        let ids = try (0..<3).map { index -> Int64 in
            let audio = dir.path("c\(index).wav")
            try Fixtures.tone(audio, seconds: 1, frequency: 250 + index * 30)
            return try createDub(voice: voice, file: audio, environment: toSlow)
        }
        let run = try ChildProcess("dubkit", ["dub", "run", "--project", "p", "--all", "--jobs", "3"],
                                   environment: environment.merging(toSlow) { $1 }, currentDirectory: dir.url)
        let store = try store()
        // One dub cancelled while VoiceDub preprocesses it (before its paid step), one while VoiceDub generates it.
        #expect(try Self.wait { try store.dub(ids[0]).status == .preprocessing })
        #expect(try dubkit(["dub", "cancel", "--project", "p", String(ids[0])], environment: toSlow).status == 0)
        #expect(try Self.wait { [.queued, .starting, .processing].contains(try store.dub(ids[1]).status) })
        let cancelled = try dubkit(["dub", "cancel", "--project", "p", String(ids[1])], environment: toSlow)
        #expect(cancelled.status == 0)
        #expect(cancelled.stdout.contains("voicedub cannot stop job"), "\(cancelled.stdout)")
        let ran = run.wait()
        #expect(ran.status == 0, "\(ran.stderr)")

        let before = try store.dub(ids[0]), during = try store.dub(ids[1]), other = try store.dub(ids[2])
        #expect(before.status == .cancelled && during.status == .cancelled && other.status == .done)
        let beforeJob = try #require(before.providerJobID), duringJob = try #require(during.providerJobID)
        #expect(slow.calls(.generateDub, id: beforeJob) == 0, "a dub cancelled before its paid step was generated")
        #expect(slow.calls(.generateDub, id: duringJob) == 1)
        #expect(slow.calls(.downloadDub, id: duringJob) == 0 && during.resultMediaHash == nil)
        // VoiceDub cannot stop a job: what it charged stays recorded on the dub and in the project's total.
        #expect(before.creditsUsed == 0 && during.creditsUsed == 10)
        #expect(try store.committedCredits() == 20)
        // The run stopped at its next step: the cancelled dubs' events end with the cancel.
        for id in [ids[0], ids[1]] {
            #expect(try store.events(of: .dub, id: id).last?.toStatus == "cancelled")
        }
    }
}
