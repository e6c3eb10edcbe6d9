import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import GRDB
import Testing

/// Several `dub run --all` on one project at once, each killed again and again: claims, leases and the
/// ledger of paid calls keep every dub advanced by one runner at a time and paid for once.
@Suite("concurrent runners on one project", .serialized)
struct ConcurrentRunnersTests {
    static let key = "vdk-claims-77c1"

    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
    }

    func environment(_ fake: FakeVoiceDub?) -> [String: String] {
        var environment = ["DUBKIT_WORKSPACE": dir.path("ws").path, "DUBKIT_POLL_INTERVAL": "0.05", "DUBKIT_RETRY_DELAY": "0.05",
                           "DUBKIT_CONFIG_DIR": dir.path("config").path, "DUBKIT_LEASE_SECONDS": "2"]
        if let fake {
            environment["VOICEDUB_BASE_URL"] = fake.baseURL.absoluteString
            environment["VOICEDUB_API_KEY"] = Self.key
        }
        return environment
    }

    func store() throws -> ProjectStore {
        try Workspace(root: dir.path("ws")).openProject("shared")
    }

    /// Creates 20 dubs of short generated tones with `voice`; returns their ids.
    func createDubs(voice: String, environment: [String: String]) throws -> [Int64] {
        #expect(try ChildProcess.run("dubkit", ["project", "create", "shared"], environment: environment).status == 0)
        return try (0..<20).map { index in
            let audio = dir.path("line-\(index).wav")
            try Fixtures.tone(audio, seconds: 1 + Double(index % 3) * 0.25, frequency: 200 + index * 7)
            let created = try ChildProcess.run("dubkit", ["dub", "create", "--project", "shared", "--voice", voice, "--file", audio.path],
                                               environment: environment)
            #expect(created.status == 0, "\(created.stderr)")
            return try #require(Int64(created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }

    /// Keeps `runners` processes of `dub run --all` going, each SIGKILLed after a random 0.1–0.6 s and
    /// started again, until each has been killed `kills` times; then lets one last run finish the rest.
    /// Returns the kills that found work in progress and the last run's result.
    func runKilled(_ runners: Int, kills: Int, environment: [String: String], seed: UInt64) throws -> (busyKills: Int, last: ChildProcess.Result) {
        var random = SplitMix64(seed: seed)
        let arguments = ["dub", "run", "--project", "shared", "--all", "--jobs", "3"]
        var children: [ChildProcess] = []
        var deadlines: [Date] = []
        var killed = Array(repeating: 0, count: runners)
        var busyKills = 0
        for _ in 0..<runners {
            children.append(try ChildProcess("dubkit", arguments, environment: environment))
            deadlines.append(Date().addingTimeInterval(Double.random(in: 0.1...0.6, using: &random)))
        }
        while killed.contains(where: { $0 < kills }) {
            Thread.sleep(forTimeInterval: 0.01)
            for slot in 0..<runners where killed[slot] < kills && Date() >= deadlines[slot] {
                if children[slot].isRunning {
                    children[slot].killHard()
                    busyKills += 1
                }
                _ = children[slot].wait()
                killed[slot] += 1
                children[slot] = try ChildProcess("dubkit", arguments, environment: environment)
                deadlines[slot] = Date().addingTimeInterval(Double.random(in: 0.1...0.6, using: &random))
            }
        }
        // The survivors run to their end; a last run takes what a killed runner left.
        let ends = children.map { $0.wait() }
        for end in ends where end.status != 0 {
            Issue.record("a runner that was not killed failed: \(end.stderr.suffix(600))")
        }
        let last = try ChildProcess.run("dubkit", arguments, environment: environment)
        return (busyKills, last)
    }

    @Test("2, 3 and 5 runners of dub run --all, each SIGKILLed 10 times, against VoiceDub with 5% faults: every dub done, one generate each",
          arguments: [2, 3, 5])
    func voiceDubRunners(runners: Int) throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 1_000_000, stageDuration: .milliseconds(150)))
        let environment = environment(fake)
        let voice = try #require(fake.publicVoices.first?.id)
        let ids = try createDubs(voice: "voicedub:\(voice)", environment: environment)
        fake.injectRandomly([.rateLimited(retryAfterSeconds: 1), .serverError, .slow(.milliseconds(200)), .dropConnection,
                             .dropAfterProcessing], rate: 0.05, seed: 20_261_205 + UInt64(runners))
        let (busy, last) = try runKilled(runners, kills: 10, environment: environment, seed: UInt64(runners))
        #expect(last.status == 0, "\(last.stderr.suffix(800))")
        #expect(busy >= 15, "only \(busy) kills found a runner at work")

        let store = try store()
        var recorded: Int64 = 0
        for id in ids {
            let dub = try store.dub(id)
            #expect(dub.status == .done, "dub \(id): \(dub.status) \(dub.errorCode ?? "") \(dub.errorMessage ?? "")")
            recorded += dub.creditsUsed
            let job = try #require(dub.providerJobID)
            let effective = fake.calls(.generateDub, id: job) - fake.callsTurnedAway(.generateDub, id: job)
            #expect(effective == 1, "dub \(id): \(effective) generate requests took effect")
            // Its one paid call is settled in the ledger.
            let calls = try store.paidCalls(dub: id)
            #expect(calls.filter { $0.state == .completed }.count == 1, "dub \(id): ledger \(calls.map(\.state))")
        }
        // Every job the fake charged for belongs to a dub; jobs without a dub are only ones whose creation
        // answer a kill or a dropped connection lost (VoiceDub cannot list jobs to find them): never uploaded.
        let owned = Set(try ids.compactMap { try store.dub($0).providerJobID })
        for job in fake.dubIDs where !owned.contains(job) {
            let snapshot = try #require(fake.dub(job))
            #expect(snapshot.status == "new" && snapshot.apiCreditsUsed == 0, "job \(job) without its dub is \(snapshot.status)")
        }
        let charged = fake.dubIDs.compactMap { fake.dub($0) }.map(\.apiCreditsUsed).reduce(0, +)
        let orphans = fake.dubIDs.filter { !owned.contains($0) }.count
        print("figures: \(runners) VoiceDub runners, 10 kills each, \(busy) found at work; \(ids.count) dubs done, "
              + "\(fake.calls(.generateDub)) generate requests (\(ids.count) took effect), \(orphans) jobs left new by lost create answers, "
              + "\(charged) credits charged = recorded")
        #expect(charged == recorded, "the fake charged \(charged) credits, the project recorded \(recorded)")
        #expect(1_000_000 - fake.credits == charged)
        let check = try store.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
    }

    @Test("2, 3 and 5 runners with the local engine, each SIGKILLed 10 times: every dub done, one generate that took effect each",
          arguments: [2, 3, 5])
    func localRunners(runners: Int) throws {
        let environment = environment(nil)
        let ids = try createDubs(voice: "local:bright", environment: environment)
        let (busy, last) = try runKilled(runners, kills: 10, environment: environment, seed: 100 + UInt64(runners))
        #expect(last.status == 0, "\(last.stderr.suffix(800))")
        #expect(busy >= 10, "only \(busy) kills found a runner at work")
        print("figures: \(runners) local runners, 10 kills each, \(busy) found at work")
        let store = try store()
        for id in ids {
            let dub = try store.dub(id)
            #expect(dub.status == .done, "dub \(id): \(dub.status) \(dub.errorCode ?? "") \(dub.errorMessage ?? "")")
            let generates = try store.stageAttempts(dub: id).filter { $0.stage == .generate && $0.outcome == .succeeded }
            #expect(generates.count == 1, "dub \(id): \(generates.count) generates succeeded")
            let result = store.media.url(for: try #require(dub.resultMediaHash))
            #expect(try AudioAnalyzer.analyze(result).durationSeconds > 0.9)
        }
    }

    @Test("a runner stopped past its lease cannot write once continued: the new holder's result stands, the refusal is in the dub's log")
    func stoppedRunnerIsFenced() throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: Self.key, startingCredits: 1_000_000, stageDuration: .milliseconds(400)))
        var environment = environment(fake)
        environment["DUBKIT_LEASE_SECONDS"] = "1"
        let voice = try #require(fake.publicVoices.first?.id)
        let id = try #require(try createDubs(voice: "voicedub:\(voice)", environment: environment).first)
        let first = try ChildProcess("dubkit", ["dub", "run", "--project", "shared", String(id)], environment: environment)
        // Stopped while it waits on the provider's processing, its lease runs out.
        let deadline = Date().addingTimeInterval(30)
        while try store().dub(id).status != .processing && Date() < deadline && first.isRunning {
            Thread.sleep(forTimeInterval: 0.005)
        }
        #expect(try store().dub(id).status == .processing)
        first.signal(SIGSTOP)
        Thread.sleep(forTimeInterval: 1.5)
        let shown = try ChildProcess.run("dubkit", ["dub", "show", "--project", "shared", String(id)], environment: environment)
        #expect(shown.stdout.contains("held by") && !shown.stdout.contains("pid \(first.pid)"), "\(shown.stdout)")
        let second = try ChildProcess.run("dubkit", ["dub", "run", "--project", "shared", String(id)], environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        let done = try store().dub(id)
        #expect(done.status == .done)
        first.signal(SIGCONT)
        let late = first.wait()
        #expect(late.status != 0)
        let after = try store().dub(id)
        #expect(after.status == .done && after.resultMediaHash == done.resultMediaHash && after.providerJobID == done.providerJobID)
        let log = try ChildProcess.run("dubkit", ["dub", "log", "--project", "shared", String(id)], environment: environment)
        #expect(log.stdout.contains("pid \(first.pid)") && log.stdout.contains("lost its claim"), "\(log.stdout)")
        let job = try #require(done.providerJobID)
        #expect(fake.calls(.generateDub, id: job) == 1)
    }
}
