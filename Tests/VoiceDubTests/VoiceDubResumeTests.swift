import DubKit
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
        let created = try await h.adapter.createDub(DubJobRequest(voice: h.publicVoice, pitchShift: 0, separate: false,
                                                                  parameters: .empty))
        _ = try await h.adapter.uploadDub(jobID: created.jobID, audio: try h.tone("talk.wav", seconds: 1))
        try await h.preprocess(created.jobID)
        _ = try await h.adapter.generateDub(jobID: created.jobID)

        let later = try VoiceDubAdapter(stateFolder: h.dir.path("ws/plugins/.state/voicedub"), environment: h.environment)
        let state = try await later.generateDub(jobID: created.jobID)
        #expect([.queued, .starting, .processing, .done].contains(state.status))
        #expect(h.fake.calls(.generateDub) == 1)
        #expect(h.fake.dub(created.jobID)?.generateCalls == 1)
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
