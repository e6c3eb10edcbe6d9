import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import GRDB
import Testing

/// The workflow engine through the built `dubkit` against the fake VoiceDub: killed at many moments,
/// under injected faults, and against a budget.
@Suite("workflow resilience against the fake VoiceDub")
struct WorkflowResilienceTests {
    static let key = "vdk-resilience-5b1f"

    let dir: TemporaryDirectory
    let fake: FakeVoiceDub

    init() throws {
        dir = try TemporaryDirectory()
        fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 1_000_000, stageDuration: .milliseconds(60)))
    }

    var environment: [String: String] {
        ["DUBKIT_WORKSPACE": dir.path("ws").path, "VOICEDUB_BASE_URL": fake.baseURL.absoluteString,
         "VOICEDUB_API_KEY": Self.key, "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_RETRY_DELAY": "0.05",
         "DUBKIT_CONFIG_DIR": dir.path("config").path]
    }

    func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
    }

    /// Creates `count` dubs of short generated tones with a public voice; returns their ids.
    func createDubs(_ count: Int, budget: Int? = nil) throws -> [Int64] {
        try createDubs(count, budget: budget, on: fake, environment: environment)
    }

    func createDubs(_ count: Int, budget: Int? = nil, on fake: FakeVoiceDub, environment: [String: String]) throws -> [Int64] {
        func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
        }
        var arguments = ["project", "create", "batch"]
        if let budget { arguments += ["--budget", String(budget)] }
        #expect(try dubkit(arguments).status == 0)
        let voice = try #require(fake.publicVoices.first?.id)
        return try (0..<count).map { index in
            let audio = dir.path("line-\(index).wav")
            try Fixtures.tone(audio, seconds: 1 + Double(index % 3) * 0.25, frequency: 200 + index * 7)
            let created = try dubkit(["dub", "create", "--project", "batch", "--voice", "voicedub:\(voice)", "--file", audio.path])
            #expect(created.status == 0, "\(created.stderr)")
            return try #require(Int64(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }

    func store() throws -> ProjectStore {
        try Workspace(root: dir.path("ws")).openProject("batch")
    }

    @Test("killed with SIGKILL at 32 moments across every stage, a batch still ends with every dub done and generated once")
    func crashResume() throws {
        // Enough work (20 dubs, 200 ms a status) that 32 short runs cannot finish it.
        let slow = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 1_000_000, stageDuration: .milliseconds(200)))
        let fake = slow
        var environment = self.environment
        environment["VOICEDUB_BASE_URL"] = fake.baseURL.absoluteString
        let ids = try createDubs(20, on: fake, environment: environment)
        let phases: [Set<DubStatus>] = [[.uploading, .uploaded], [.preprocessing, .preprocessed],
                                         [.queued, .starting, .processing, .finalizing], [.done]]
        var seenAtKill: Set<DubStatus> = []
        var kills = 0
        var finished = false
        // Each run is cut off after 80 to 350 ms: some in the middle of an upload or a request, some
        // while polling, some between a stage's end and the next. While a phase has not been caught
        // yet, the run is cut off as soon as a dub is in it instead: on a busy machine the same delays
        // find the work at other moments (a slow start-up swallows the first ones).
        let delays = [0.08, 0.12, 0.17, 0.23, 0.3, 0.35]
        let watched = try store()
        while kills < 32 && !finished {
            let child = try ChildProcess("dubkit", ["dub", "run", "--project", "batch", "--all", "--jobs", "2"],
                                         environment: environment, currentDirectory: dir.url)
            if let missing = phases.first(where: { seenAtKill.isDisjoint(with: $0) }) {
                let deadline = Date().addingTimeInterval(10)
                while Date() < deadline, try watched.dubs().allSatisfy({ !missing.contains($0.status) }) {
                    Thread.sleep(forTimeInterval: 0.002)
                }
            } else {
                Thread.sleep(forTimeInterval: delays[kills % delays.count])
            }
            child.killHard()
            if child.wait().status == 0 { finished = true; break }
            kills += 1
            for dub in try store().dubs() { seenAtKill.insert(dub.status) }
        }
        let last = try ChildProcess.run("dubkit", ["dub", "run", "--project", "batch", "--all", "--jobs", "2"],
                                        environment: environment, currentDirectory: dir.url)
        #expect(last.status == 0, "\(last.stderr)")
        #expect(kills == 32, "the batch finished after \(kills) kills")
        for phase in phases {
            #expect(!seenAtKill.isDisjoint(with: phase), "no kill found a dub in \(phase): \(seenAtKill)")
        }
        let store = try store()
        for id in ids {
            let dub = try store.dub(id)
            #expect(dub.status == .done, "dub \(id): \(dub.status) \(dub.errorMessage ?? "")")
            let job = try #require(dub.providerJobID)
            #expect(fake.dub(job)?.generateCalls == 1, "dub \(id) generated \(fake.dub(job)?.generateCalls ?? -1) times")
            // Raw requests too: the fake refuses a second generate without charging, so only this shows a resend.
            #expect(fake.calls(.generateDub, id: job) == 1, "dub \(id): \(fake.calls(.generateDub, id: job)) generate requests")
            let result = store.media.url(for: try #require(dub.resultMediaHash))
            #expect(try AudioAnalyzer.analyze(result).durationSeconds > 0.9, "dub \(id)'s result does not decode in full")
        }
        #expect(fake.dubIDs.compactMap { fake.dub($0) }.map(\.generateCalls).reduce(0, +) == ids.count)
        let check = try store.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
    }

    @Test("with 429s, 500s, slow answers and dropped connections, 50 dubs end done or in a clear error, each paid step effective once")
    func faultsBatch() throws {
        let ids = try createDubs(50)
        fake.injectRandomly([.rateLimited(retryAfterSeconds: 1), .serverError, .slow(.milliseconds(300)), .dropConnection,
                             .dropAfterProcessing], rate: 0.08, seed: 20_261_122)
        let ran = try dubkit(["dub", "run", "--project", "batch", "--all", "--jobs", "8"])
        let store = try store()
        let dubs = try ids.map { try store.dub($0) }
        let running: Set<DubStatus> = [.new, .uploading, .uploaded, .preprocessing, .preprocessed, .queued, .starting, .processing, .finalizing]
        #expect(dubs.allSatisfy { !running.contains($0.status) }, "stuck: \(dubs.filter { running.contains($0.status) }.map { "\($0.id ?? 0) \($0.status)" })")
        for dub in dubs where dub.status == .error {
            #expect(dub.errorCode?.isEmpty == false && (dub.errorMessage?.count ?? 0) > 10, "dub \(dub.id ?? 0) has no clear error")
        }
        #expect(ran.status == (dubs.contains { $0.status == .error } ? 1 : 0))
        // DubKit's side: the dubs it generated, i.e. past preprocessed (or failed from there) or with credits recorded.
        let past: Set<DubStatus> = [.queued, .starting, .processing, .finalizing, .done]
        let generated = try dubs.filter { dub in
            let failedFrom = try store.events(of: .dub, id: dub.id ?? 0).last { $0.toStatus == DubStatus.error.rawValue }?
                .fromStatus.flatMap(DubStatus.init(rawValue:))
            return past.contains(dub.status) || dub.creditsUsed > 0 || (dub.status == .error && failedFrom.map(past.contains) == true)
        }
        // The fake's side: raw generate requests on each job, less those it turned away before doing anything
        // (429, 500, a connection dropped unanswered). Not its own charge counter.
        func paidCalls(_ job: String) -> Int { fake.calls(.generateDub, id: job) - fake.callsTurnedAway(.generateDub, id: job) }
        let paid = fake.dubIDs.map(paidCalls).reduce(0, +)
        #expect(paid == generated.count, "\(paid) generate requests took effect for \(generated.count) dubs DubKit generated")
        for dub in dubs {
            guard let job = dub.providerJobID else { continue }
            let expected = generated.contains { $0.id == dub.id } ? 1 : 0
            #expect(paidCalls(job) == expected, "dub \(dub.id ?? 0) (\(dub.status)): \(paidCalls(job)) generate requests took effect")
        }
        #expect(fake.dubIDs.compactMap { fake.dub($0) }.allSatisfy { $0.preprocessCalls <= 1 })
        #expect(dubs.filter { $0.status == .done }.count >= 40, "only \(dubs.filter { $0.status == .done }.count) done")
    }

    @Test("voice train killed with SIGKILL up to 12 times is finished by voice run, cloned once")
    func trainingCrashResume() throws {
        let slow = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 1_000_000, stageDuration: .milliseconds(600)))
        var environment = self.environment
        environment["VOICEDUB_BASE_URL"] = slow.baseURL.absoluteString
        func dubkit(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
        }
        #expect(try dubkit(["project", "create", "batch"]).status == 0)
        for index in 0..<3 {
            let take = dir.path("take\(index).wav")
            let spoken = try ChildProcess.run("/usr/bin/espeak-ng", ["-w", take.path, "Take number \(index) for the narrator's voice."])
            #expect(spoken.status == 0)
            #expect(try dubkit(["dataset", "add", "--project", "batch", "narrator", take.path]).status == 0)
        }
        var kills = 0
        let delays = [0.05, 0.1, 0.15, 0.2, 0.3, 0.45]
        for round in 0..<12 {
            // The first run creates the voice; later ones continue it, as a user would after a crash.
            let noVoiceYet = try store().voices().isEmpty
            let arguments = round == 0 || noVoiceYet
                ? ["voice", "train", "--project", "batch", "narrator", "--dataset", "narrator", "--provider", "voicedub", "--max-minutes", "5"]
                : ["voice", "run", "--project", "batch", "--all"]
            let child = try ChildProcess("dubkit", arguments, environment: environment, currentDirectory: dir.url)
            Thread.sleep(forTimeInterval: delays[round % delays.count])
            child.killHard()
            if child.wait().status == 0 { break }
            kills += 1
        }
        let finished = try dubkit(["voice", "run", "--project", "batch", "--all"])
        #expect(finished.status == 0, "\(finished.stderr)")
        let voice = try #require(try store().voices().first)
        #expect(voice.status == .done, "\(voice.status) \(voice.errorMessage ?? "")")
        #expect(kills >= 8, "training finished after \(kills) kills")
        let remote = try #require(voice.providerVoiceID.flatMap { slow.voice($0) })
        #expect(remote.cloneCalls == 1)
        // A kill between VoiceDub's answer to create and the store's write of its id leaves an unused
        // voice there (VoiceDub cannot list voices to find it; it costs nothing); none is ever cloned.
        #expect(slow.voiceIDs.compactMap { slow.voice($0) }.map(\.cloneCalls).reduce(0, +) == 1)
        #expect(voice.creditsUsed == 50)
    }

    @Test("a batch that would cross the budget stops before the paid step of the first dub over it")
    func budgetStopsTheBatch() throws {
        let ids = try createDubs(5, budget: 25)
        let ran = try dubkit(["dub", "run", "--project", "batch", "--all", "--jobs", "1"])
        #expect(ran.status == 1)
        #expect(ran.stderr.contains("budget"), "\(ran.stderr)")
        let store = try store()
        let statuses = try ids.map { try store.dub($0).status }
        #expect(statuses == [.done, .done, .preprocessed, .new, .new], "\(statuses)")
        #expect(fake.calls(.generateDub) == 2)
        #expect(try store.committedCredits() == 20)
    }
}
