import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("budget checks for dubs run side by side")
struct BatchBudgetTests {
    let dir: TemporaryDirectory
    let store: ProjectStore

    init() throws {
        dir = try TemporaryDirectory()
        store = try Workspace(root: dir.url).createProject("budget")
    }

    /// A dub waiting for its paid step, costing `credits`.
    func preprocessedDub(credits: Int64) throws -> Int64 {
        let dub = try store.createDub(Dub(providerID: "voicedub", voiceRef: "v", sourceKind: .file, source: "a.wav"))
        let id = try #require(dub.id)
        for status in [DubStatus.uploading, .uploaded, .preprocessing, .preprocessed] { try store.transitionDub(id, to: status) }
        try store.updateDub(id) { $0.creditsRequired = credits; $0.providerJobID = "job-\(id)" }
        return id
    }

    @Test("of many dubs racing to their paid step, only as many as the budget holds get to send it")
    func racingDubsStayWithinTheBudget() async throws {
        let ids = try (0..<8).map { _ in try preprocessedDub(credits: 10) }
        let store = self.store
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for id in ids {
                group.addTask {
                    (try? store.beginGenerate(dub: id, required: 10, budget: 35, fingerprint: "f", jobID: "job-\(id)")) != nil
                }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        #expect(admitted == 3)
        #expect(try store.committedCredits() == 30)
    }

    @Test("a refused paid step names the dub, the cost, what is committed and the budget, and records nothing")
    func refusalIsExplained() throws {
        let first = try preprocessedDub(credits: 20)
        let second = try preprocessedDub(credits: 20)
        _ = try store.beginGenerate(dub: first, required: 20, budget: 30, fingerprint: "f", jobID: nil)
        #expect {
            try store.beginGenerate(dub: second, required: 20, budget: 30, fingerprint: "f", jobID: nil)
        } throws: { error in
            guard case let .budgetExceeded(dub, required, committed, budget) = error as? DubKitError else { return false }
            return dub == second && required == 20 && committed == 20 && budget == 30
        }
        #expect(try store.lastAttempt(.generate, dub: second) == nil)
    }

    @Test("a training under way counts against the budget, so neither a dub nor another training can cross it")
    func trainingUnderWayIsCommitted() throws {
        let voice = try store.createVoice(Voice(providerID: "voicedub", name: "narrator", maxMinutes: 5))
        let id = try #require(voice.id)
        try store.transitionVoice(id, to: .uploading)
        _ = try store.beginTraining(voice: id, required: 50, budget: 80, jobID: "voice-1")
        #expect(try store.committedCredits() == 50)
        #expect(try store.voice(id).creditsRequired == 50)
        let dub = try preprocessedDub(credits: 40)
        #expect {
            try store.beginGenerate(dub: dub, required: 40, budget: 80, fingerprint: "f", jobID: nil)
        } throws: { error in
            guard case let .budgetExceeded(_, _, committed, _) = error as? DubKitError else { return false }
            return committed == 50
        }
        let other = try store.createVoice(Voice(providerID: "voicedub", name: "second", maxMinutes: 5))
        let otherID = try #require(other.id)
        try store.transitionVoice(otherID, to: .uploading)
        #expect {
            try store.beginTraining(voice: otherID, required: 50, budget: 80, jobID: "voice-2")
        } throws: { error in
            guard case let .trainingOverBudget(voice, required, committed, budget) = error as? DubKitError else { return false }
            return voice == "voicedub:second" && required == 50 && committed == 50 && budget == 80
        }
        #expect(try store.lastAttempt(.train, voice: otherID) == nil)
        #expect(try store.beginGenerate(dub: dub, required: 30, budget: 80, fingerprint: "f", jobID: nil).outcome == .running)
    }
}
