import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
import VoiceDubProvider

/// Injected faults end either done or in a clear error, and the paid and state-changing POSTs
/// (preprocess, generate, clone) take effect at most once per dub or voice.
@Suite("VoiceDub faults and retries")
struct VoiceDubFaultTests {
    /// One fault on one operation, and how the dub must end.
    struct Case: Sendable, CustomStringConvertible {
        var fault: FakeVoiceDub.Fault
        var operation: FakeVoiceDub.Operation
        var times: Int = 1
        /// nil: done; else the error code the dub must carry.
        var errorCode: String?
        var description: String { "\(fault) on \(operation.rawValue) ×\(times)" }
    }

    static let cases: [Case] = [
        // Rate limits: waited out (Retry-After), for POSTs too, since a 429 does nothing.
        Case(fault: .rateLimited(retryAfterSeconds: 1), operation: .generateDub),
        Case(fault: .rateLimited(retryAfterSeconds: 1), operation: .preprocessDub),
        Case(fault: .rateLimited(retryAfterSeconds: 1), operation: .getDub, times: 2),
        Case(fault: .rateLimited(retryAfterSeconds: 1), operation: .uploadDub),
        // 5xx: GETs and PUTs are retried by the adapter; a POST is not, but the core tries the step again
        // after looking the job up (a 500 left nothing done).
        Case(fault: .serverError, operation: .getDub, times: 3),
        Case(fault: .serverError, operation: .uploadDub, times: 2),
        Case(fault: .serverError, operation: .downloadDub, times: 2),
        Case(fault: .serverError, operation: .generateDub),
        Case(fault: .serverError, operation: .preprocessDub),
        Case(fault: .serverError, operation: .createDub),
        // A service that keeps failing ends the dub in a clear error, nothing paid.
        Case(fault: .serverError, operation: .generateDub, times: 50, errorCode: "internal_error"),
        // Dropped connections: transfers resume or repeat; a POST that was processed is found by looking the
        // dub up, one that was not is sent again.
        Case(fault: .dropConnection, operation: .uploadDub),
        Case(fault: .dropConnection, operation: .downloadDub),
        Case(fault: .dropConnection, operation: .getDub, times: 2),
        Case(fault: .dropAfterProcessing, operation: .generateDub),
        Case(fault: .dropAfterProcessing, operation: .preprocessDub),
        Case(fault: .dropConnection, operation: .generateDub),
        Case(fault: .dropConnection, operation: .preprocessDub),
        // Slow answers are waited for.
        Case(fault: .slow(.milliseconds(600)), operation: .generateDub),
        Case(fault: .slow(.milliseconds(600)), operation: .getDub),
        // A dub VoiceDub fails itself.
        Case(fault: .dubFails(code: "separation_failed", message: "Vocals could not be separated"), operation: .preprocessDub,
             errorCode: "separation_failed"),
    ]

    @Test("a dub meeting a fault ends done or in a clear error, paying at most once", arguments: cases)
    func dubUnderFault(_ c: Case) async throws {
        let h = try VoiceDubHarness()
        h.fake.inject(c.fault, on: c.operation, times: c.times)
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1))

        let dub = try await h.run(id)

        if let code = c.errorCode {
            #expect(dub.status == .error)
            #expect(dub.errorCode == code, "\(dub.errorMessage ?? "")")
            #expect((dub.errorMessage ?? "").count > 30, "a message a person can act on: \(dub.errorMessage ?? "")")
        } else {
            #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
            #expect(abs(try h.resultSeconds(dub) - 1) < 0.1)
        }
        // A POST is sent again only after a fault that left nothing done (429, 500, no connection), and
        // takes effect at most once; a processed request whose answer was lost is never repeated.
        let resends = c.fault == .dropAfterProcessing ? 0 : c.times
        let allowed = { (operation: FakeVoiceDub.Operation) in 1 + (operation == c.operation ? resends : 0) }
        #expect(h.fake.calls(.createDub) <= allowed(.createDub))
        #expect(h.fake.calls(.preprocessDub) <= allowed(.preprocessDub))
        #expect(h.fake.calls(.generateDub) <= allowed(.generateDub))
        #expect(h.fake.dubIDs.count == 1)
        if let jobID = dub.providerJobID, let remote = h.fake.dub(jobID) {
            #expect(remote.preprocessCalls == 1)
            #expect(remote.generateCalls == (dub.status == .done ? 1 : 0))
            #expect(h.fake.credits == 10_000 - (dub.status == .done ? 10 : 0))
        }
        // Nothing is left half-way: the dub is done or in error.
        #expect(dub.status == .done || dub.status == .error)
        h.expectAnswersMatchSpec()
    }

    @Test("a 429 on generate waits its Retry-After, and generate takes effect once")
    func rateLimitedGenerate() async throws {
        let h = try VoiceDubHarness()
        h.fake.inject(.rateLimited(retryAfterSeconds: 2), on: .generateDub)
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1))

        let dub = try await h.run(id)

        #expect(dub.status == .done)
        let times = h.fake.callTimes(.generateDub)
        #expect(times.count == 2)
        if times.count == 2 { #expect(times[1] - times[0] >= .milliseconds(1990)) }
        #expect(h.fake.dub(dub.providerJobID ?? "")?.generateCalls == 1)
        h.expectAnswersMatchSpec()
    }

    @Test("a dub VoiceDub fails while processing it ends in error with VoiceDub's errorCode and errorMessage, paid once")
    func dubFailsWhileProcessing() async throws {
        let h = try VoiceDubHarness(stage: .milliseconds(300))
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1))
        let running = Task { try await h.run(id) }
        // Once VoiceDub is processing the dub, the next read of it finds it failing.
        var injected = false
        let deadline = ContinuousClock.now + .seconds(20)
        while !injected && ContinuousClock.now < deadline {
            if let job = h.fake.dubIDs.first, h.fake.dub(job)?.status == "processing" {
                h.fake.inject(.dubFails(code: "render_failed", message: "The converted voice could not be mixed back"), on: .getDub)
                injected = true
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }

        let dub = try await running.value

        #expect(injected)
        #expect(dub.status == .error)
        #expect(dub.errorCode == "render_failed")
        #expect(dub.errorMessage?.contains("The converted voice could not be mixed back") == true, "\(dub.errorMessage ?? "")")
        let statuses = try h.store.events(of: .dub, id: id).compactMap(\.toStatus)
        #expect(statuses.suffix(2) == ["processing", "error"], "\(statuses)")
        let job = try #require(dub.providerJobID)
        #expect(h.fake.dub(job)?.status == "error" && h.fake.dub(job)?.generateCalls == 1)
        #expect(h.fake.calls(.generateDub, id: job) == 1)
        #expect(h.fake.credits == 10_000 - 10)
        h.expectAnswersMatchSpec()
    }

    /// One fault on one step of a training, and how the training must end.
    struct TrainingCase: Sendable, CustomStringConvertible {
        var fault: FakeVoiceDub.Fault
        var operation: FakeVoiceDub.Operation
        var times = 1
        /// nil: done; else the errorCode (and part of the errorMessage) VoiceDub gives the voice.
        var errorCode: String?
        var errorMessage: String?
        /// How many clone requests must reach the fake (raw, refused or not).
        var cloneRequests = 1
        var description: String { "\(fault) on \(operation.rawValue) ×\(times)" }
    }

    static let trainingCases: [TrainingCase] = [
        // Clone processed, its answer lost: the adapter looks the voice up and never sends clone again.
        TrainingCase(fault: .dropAfterProcessing, operation: .cloneVoice),
        // Clone never reached VoiceDub (no answer, nothing done): sent again once the voice is seen still new.
        TrainingCase(fault: .dropConnection, operation: .cloneVoice, cloneRequests: 2),
        TrainingCase(fault: .rateLimited(retryAfterSeconds: 1), operation: .cloneVoice, cloneRequests: 2),
        TrainingCase(fault: .slow(.milliseconds(800)), operation: .cloneVoice),
        // 500s on creation (nothing created) and on the dataset PUTs (retried by the HTTP layer).
        TrainingCase(fault: .serverError, operation: .createVoice),
        TrainingCase(fault: .serverError, operation: .uploadVoiceFile, times: 2),
        TrainingCase(fault: .dropConnection, operation: .uploadVoiceFile),
        TrainingCase(fault: .serverError, operation: .getVoice),
        // VoiceDub ends the training in error, told at clone or while it is polled.
        TrainingCase(fault: .dubFails(code: "training_diverged", message: "The model did not converge on this dataset"),
                     operation: .cloneVoice, errorCode: "training_diverged",
                     errorMessage: "The model did not converge on this dataset"),
        TrainingCase(fault: .dubFails(code: "dataset_unusable", message: "No voice could be isolated in the dataset"),
                     operation: .getVoice, errorCode: "dataset_unusable",
                     errorMessage: "No voice could be isolated in the dataset"),
    ]

    @Test("a training meeting a fault ends done or in VoiceDub's error, cloned once and charged once",
          arguments: trainingCases)
    func trainingUnderFault(_ c: TrainingCase) async throws {
        let h = try VoiceDubHarness()
        h.fake.inject(c.fault, on: c.operation, times: c.times)
        let dataset = try h.store.createDataset(named: "narrator")
        _ = try await h.store.addRecording(try h.speech("take1.wav"), to: dataset)
        _ = try await h.store.addRecording(try h.speech("take2.wav", "Another sentence, read a little faster, for the second take."), to: dataset)

        let voice = try await h.trainer().train(name: "narrator", dataset: dataset, maxMinutes: 5)

        if let code = c.errorCode {
            #expect(voice.status == .error)
            #expect(voice.errorCode == code, "\(voice.errorMessage ?? "")")
            #expect(voice.errorMessage?.contains(c.errorMessage ?? "") == true, "\(voice.errorMessage ?? "")")
        } else {
            #expect(voice.status == .done, "\(voice.errorCode ?? ""): \(voice.errorMessage ?? "")")
        }
        let voiceID = try #require(voice.providerVoiceID)
        let remote = try #require(h.fake.voice(voiceID))
        #expect(h.fake.voiceIDs == [voiceID], "one voice created at VoiceDub")
        #expect(remote.uploadedFiles == [0, 1])
        #expect(remote.cloneCalls == 1, "clone took effect \(remote.cloneCalls) times")
        #expect(h.fake.calls(.cloneVoice, id: voiceID) == c.cloneRequests)
        // Charged once at clone (VoiceDub does not refund a training that fails).
        #expect(remote.apiCreditsUsed == 50 && h.fake.credits == 10_000 - 50)
        #expect(remote.status == (c.errorCode == nil ? "done" : "error"))
        h.expectAnswersMatchSpec()
    }

    @Test("a 500 on clone did nothing: the core looks the voice up and sends clone again, paid once")
    func serverErrorOnClone() async throws {
        let h = try VoiceDubHarness()
        h.fake.inject(.serverError, on: .cloneVoice)
        let dataset = try h.store.createDataset(named: "narrator")
        _ = try await h.store.addRecording(try h.speech("take1.wav"), to: dataset)

        let voice = try await h.trainer().train(name: "narrator", dataset: dataset, maxMinutes: 5)

        #expect(voice.status == .done, "\(voice.errorCode ?? ""): \(voice.errorMessage ?? "")")
        #expect(h.fake.calls(.cloneVoice) == 2)
        #expect(h.fake.voice(voice.providerVoiceID ?? "")?.cloneCalls == 1)
        #expect(h.fake.credits == 10_000 - 50)
        h.expectAnswersMatchSpec()
    }

    @Test("a clone that keeps failing ends the training in a clear error, nothing paid")
    func persistentServerErrorOnClone() async throws {
        let h = try VoiceDubHarness()
        h.fake.inject(.serverError, on: .cloneVoice, times: 50)
        let dataset = try h.store.createDataset(named: "narrator")
        _ = try await h.store.addRecording(try h.speech("take1.wav"), to: dataset)

        let voice = try await h.trainer().train(name: "narrator", dataset: dataset, maxMinutes: 5)

        #expect(voice.status == .error && voice.errorCode == "internal_error")
        #expect((voice.errorMessage ?? "").contains("try again later"))
        #expect(h.fake.voice(voice.providerVoiceID ?? "")?.cloneCalls == 0)
        #expect(h.fake.credits == 10_000)
        h.expectAnswersMatchSpec()
    }
}
