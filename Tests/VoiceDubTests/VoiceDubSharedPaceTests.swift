import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
@testable import DubKit
import VoiceDubProvider

/// The core's pacer kept in the project's store (``SharedPacer``), seen from the fake VoiceDub: what a
/// user running several `dubkit` processes (or machines) on one project would notice at the service.
@Suite("VoiceDub reads paced through the project's store", .timeLimit(.minutes(1)))
struct VoiceDubSharedPaceTests {
    /// A live process of this machine other than this one (the test runner's parent).
    static var otherLiveProcess: RunnerIdentity {
        let pid = getppid()
        return RunnerIdentity(host: RunnerIdentity.current.host, pid: pid, startedMs: RunnerIdentity.processStartMs(pid) ?? 0)
    }

    /// A process of this machine that has ended (its pid is free).
    static func endedProcess() throws -> RunnerIdentity {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return RunnerIdentity(host: RunnerIdentity.current.host, pid: process.processIdentifier, startedMs: 1)
    }

    /// A dub job at the fake, to be read.
    static func job(_ h: VoiceDubHarness) async throws -> String {
        try await h.adapter.createDub(DubJobRequest(voice: h.publicVoice, pitchShift: 0, separate: false, parameters: .empty)).jobID
    }

    @Test("three runners in other processes and machines, each with its own connection to the project, never read one dub faster than the interval together")
    func runnersOfSeveralProcesses() async throws {
        let h = try VoiceDubHarness(pollInterval: 0.2)
        let job = try await Self.job(h)
        let holders = [RunnerIdentity.current, Self.otherLiveProcess, RunnerIdentity(host: "render-2", pid: 4242, startedMs: 7)]
        var runners: [PacedProvider] = []
        for holder in holders {
            let store = try Workspace(root: h.dir.path("ws")).openProject("films")
            let adapter = try h.secondAdapter()
            runners.append(PacedProvider(adapter, pacer: RequestPacer(interval: 0),
                                         polls: SharedPacer(store, provider: "voicedub", interval: 0.2, holder: holder)))
        }
        let all = runners
        try await withThrowingTaskGroup(of: Void.self) { group in
            for runner in all {
                group.addTask { for _ in 0..<3 { _ = try await runner.pollDub(jobID: job) } }
            }
            try await group.waitForAll()
        }

        let times = h.fake.callTimes(.getDub, id: job)
        #expect(times.count == 9)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= .milliseconds(200), "two reads \(later - earlier) apart")
        }
    }

    @Test("a process that died holding a dub's turn does not hold up the next read, nor does a machine whose lease ran out")
    func crashedHolder() async throws {
        let h = try VoiceDubHarness(pollInterval: 0.2)
        let job = try await Self.job(h)
        let now = SharedPacer.wallMs()
        // A process took the turn of the dub's reads, as its pacer does, and died before ending it.
        let dead = try Self.endedProcess()
        #expect(try h.store.startTurn(provider: "voicedub", key: "dub-\(job)", holder: dead, number: 1, spacingMs: 210,
                                      leaseMs: 120_000, nowMs: now) == .started)
        let paced = PacedProvider(h.adapter, store: h.store, pollInterval: nil)
        let clock = ContinuousClock()
        var started = clock.now
        _ = try await paced.pollDub(jobID: job)
        // Not the lease (120 s): at once, but for a loaded machine's delays.
        #expect(clock.now - started < .seconds(10), "the read waited \(clock.now - started) for a dead holder")
        #expect(h.fake.callTimes(.getDub, id: job).count == 1)

        // A runner of another machine took the turn of a second dub 130 s ago and was never heard of again.
        let second = try await Self.job(h)
        #expect(try h.store.startTurn(provider: "voicedub", key: "dub-\(second)", holder: RunnerIdentity(host: "render-2", pid: 9, startedMs: 1),
                                      number: 1, spacingMs: 210, leaseMs: 120_000, nowMs: now - 130_000) == .started)
        started = clock.now
        _ = try await paced.pollDub(jobID: second)
        #expect(clock.now - started < .seconds(10), "the read waited \(clock.now - started) for a lapsed lease")

        // While a live process of this machine holds a turn, the read waits for it to end.
        let third = try await Self.job(h)
        let live = Self.otherLiveProcess
        #expect(try h.store.startTurn(provider: "voicedub", key: "dub-\(third)", holder: live, number: 1, spacingMs: 210,
                                      leaseMs: 120_000, nowMs: SharedPacer.wallMs()) == .started)
        let read = Task { try await paced.pollDub(jobID: third) }
        try await Task.sleep(for: .milliseconds(500))
        #expect(h.fake.callTimes(.getDub, id: third).isEmpty, "read while another process held the turn")
        try h.store.endTurn(provider: "voicedub", key: "dub-\(third)", holder: live, number: 1, lastSentMs: SharedPacer.wallMs())
        _ = try await read.value
        #expect(h.fake.callTimes(.getDub, id: third).count == 1)
    }

    @Test("a Retry-After one process was given holds back the next read of every process on the project")
    func sharedPause() async throws {
        let h = try VoiceDubHarness(pollInterval: 0.05)
        let job = try await Self.job(h)
        let other = try Workspace(root: h.dir.path("ws")).openProject("films")
        try other.pause(provider: "voicedub", untilMs: SharedPacer.wallMs() + 800)
        let clock = ContinuousClock()
        let started = clock.now
        _ = try await PacedProvider(h.adapter, store: h.store, pollInterval: nil).pollDub(jobID: job)
        #expect(clock.now - started >= .milliseconds(700), "read \(clock.now - started) after a pause of 800 ms")
    }
}
