@testable import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
import VoiceDubProvider

/// A later DubKit process (a new adapter over the same workspace) picks up where an earlier one stopped.
@Suite("VoiceDub across processes")
struct VoiceDubResumeTests {
    @Test("the upload URL of a dub created by an earlier process is found in the workspace's state folder")
    func uploadAfterRestart() async throws {
        let h = try VoiceDubHarness()
        let created = try await h.adapter.createDub(DubJobRequest(voice: h.publicVoice, pitchShift: 0, separate: false,
                                                                  parameters: .empty))
        let later = try VoiceDubAdapter(stateFolder: h.dir.path("ws/plugins/.state/voicedub"), environment: h.environment)
        _ = try await later.uploadDub(jobID: created.jobID, audio: try h.tone("talk.wav", seconds: 1))
        #expect(h.fake.dub(created.jobID)?.uploadedBytes ?? 0 > 1000)

        let unknown = try VoiceDubAdapter(stateFolder: h.dir.path("elsewhere"), environment: h.environment)
        await #expect {
            _ = try await unknown.uploadDub(jobID: created.jobID, audio: try h.tone("again.wav", seconds: 1))
        } throws: { error in
            guard case let .remote(_, _, code, message)? = error as? ProviderError else { return false }
            return code == "upload_url_missing" && message.contains("dub retry")
        }
    }

    @Test("a later process asked to generate a dub that was already generated does not send it again")
    func generateAfterRestart() async throws {
        let h = try VoiceDubHarness()
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1))
        // An earlier process took the dub to preprocessed, recorded the paid call's intent as the core
        // does, sent generate and stopped before recording the answer.
        let first = DubRunner(store: h.store, provider: h.adapter, pollInterval: 0.01)
        let preprocessed = try await first.run(id, until: [.preprocessed])
        let job = try #require(preprocessed.providerJobID)
        let fingerprint = DubRunner.fingerprint(preprocessed)
        let start = try h.store.openGenerate(dub: id, required: preprocessed.creditsRequired ?? 0, budget: nil, fingerprint: fingerprint,
                                             jobID: job, providerID: "voicedub") { generation in
            PaidCall.key(provider: "voicedub", operation: .generate, subject: .dub(id), jobID: job, content: [fingerprint],
                         generation: generation)
        }
        guard case .send = start else {
            Issue.record("the intent was not recorded: \(start)")
            return
        }
        _ = try await h.adapter.generateDub(jobID: job)

        let later = try VoiceDubAdapter(stateFolder: h.dir.path("ws/plugins/.state/voicedub"), environment: h.environment)
        var runner = DubRunner(store: try Workspace(root: h.dir.path("ws")).openProject("films"), provider: later, pollInterval: 0.01)
        runner.retryDelay = 0.05
        let dub = try await runner.run(id)
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.generateDub) == 1)
        #expect(h.fake.dub(job)?.generateCalls == 1)
    }

    @Test("a wrong key ends the dub in unauthorized at once, without retrying")
    func unauthorizedDub() async throws {
        let h = try VoiceDubHarness(key: "vdk-revoked-1111")
        let dub = try await h.run(try h.fileDub(try h.tone("talk.wav", seconds: 1)))
        #expect(dub.status == .error && dub.errorCode == "unauthorized")
        #expect(dub.errorMessage?.contains("VOICEDUB_API_KEY") == true)
        #expect(dub.errorMessage?.contains("vdk-revoked-1111") == false)
        #expect(h.fake.calls(.createDub) == 1)
    }
}
