import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeVoiceConvert
import Foundation
import Testing
import VoiceConvertProvider

@Suite("voice-convert through the core's workflow, against the fake service")
struct VoiceConvertWorkflowTests {
    @Test("a video's speech and a local reference are published, converted with every option, billed by output seconds")
    func fullDub() async throws {
        let h = try VoiceConvertHarness()
        let video = h.dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 2)
        let reference = try h.reference()
        let id = try h.fileDub(video, voice: reference.path, pitch: -2, parameters: [
            "diffusion_steps": .number(30), "length_adjust": .number(1.5), "inference_cfg_rate": .number(0.7),
            "auto_f0_adjust": .bool(true), "return_format": .string("mp3"), "enable_separation": .bool(true),
            "vocals_gain": .number(1.2), "accompaniment_gain": .number(0.5), "metadata": .string(#"{"order":"A-42"}"#),
        ])
        // The task's `processing` lasts until a poll has seen it, however late the poll comes.
        h.fake.holdUntilRead(["processing"])

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.convert) == 1)
        let task = try #require(h.fake.tasks.first)
        let web = h.web.url("/pub/").absoluteString
        guard case let .string(source)? = task.body["source_audio_url"], case let .string(ref)? = task.body["reference_audio_url"] else {
            Issue.record("no URLs in \(task.body)"); return
        }
        #expect(source.hasPrefix(web) && ref.hasPrefix(web))
        #expect(task.body["diffusion_steps"] == .number(30) && task.body["length_adjust"] == .number(1.5))
        #expect(task.body["inference_cfg_rate"] == .number(0.7) && task.body["auto_f0_adjust"] == .bool(true))
        #expect(task.body["pitch_shift"] == .number(-2) && task.body["return_format"] == .string("mp3"))
        #expect(task.body["enable_separation"] == .bool(true) && task.body["vocals_gain"] == .number(1.2))
        #expect(task.body["accompaniment_gain"] == .number(0.5))
        #expect(task.body["metadata"] == .object(["order": .string("A-42")]))
        // About 2 s of input × 1.5 ≈ 3 s of output, billed 2 credits per started second: the estimate
        // made at preprocess is what the service charged.
        let input = Double(try #require(dub.inputDurationMs)) / 1000
        #expect(abs(input - 2) < 0.1)
        #expect(abs(try h.resultSeconds(dub) - input * 1.5) < 0.15)
        let expected = 2 * Int64((input * 1.5).rounded(.up))
        #expect(dub.creditsRequired == expected && dub.creditsUsed == expected, "\(dub.creditsRequired ?? -1) \(dub.creditsUsed) \(input)")
        #expect(h.fake.credits == 10_000 - expected)
        #expect(task.charged == expected)
        // The service fetched both files, without the key; they are gone from the publish folder now.
        #expect(h.web.requests.count == 2 && h.web.requests.allSatisfy { $0.header("Authorization") == nil })
        #expect(try FileManager.default.contentsOfDirectory(atPath: h.publishDir.path).isEmpty)
        let statuses = try h.store.events(of: .dub, id: id).compactMap(\.toStatus)
        #expect(Array(statuses.suffix(4)) == ["queued", "processing", "finalizing", "done"], "\(statuses)")
        // The dub is done: its job's record is gone from the state folder.
        let state = h.dir.path("ws/plugins/.state/voiceconvert")
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: state.path)) ?? []
        #expect(!kept.contains { $0.hasPrefix(dub.providerJobID ?? "?") }, "\(kept)")
    }

    @Test("a reference given as a URL is passed as it is; --separate becomes enable_separation")
    func referenceURL() async throws {
        let h = try VoiceConvertHarness()
        _ = try h.reference("ref.wav")
        let refURL = h.web.url("/media/ref.wav").absoluteString
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1.2), voice: refURL, separate: true)

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let task = try #require(h.fake.tasks.first)
        #expect(task.body["reference_audio_url"] == .string(refURL))
        #expect(task.body["enable_separation"] == .bool(true))
        #expect(task.body["pitch_shift"] == nil && task.body["length_adjust"] == nil) // defaults are left to the service
        #expect(dub.creditsUsed == 4) // 1.2 s rounds up to 2 s
    }

    @Test("a link is handed to the service, which fetches it itself; it is read once only to measure it")
    func linkDub() async throws {
        let h = try VoiceConvertHarness(publish: false)
        _ = try h.tone("talk.wav", seconds: 2)
        _ = try h.reference("ref.wav")
        let link = h.web.url("/media/talk.wav").absoluteString
        let dub = try h.store.createDub(Dub(providerID: "voiceconvert", voiceRef: h.web.url("/media/ref.wav").absoluteString,
                                            sourceKind: .link, source: link))
        let id = try #require(dub.id)

        let done = try await h.run(id)

        #expect(done.status == .done, "\(done.errorCode ?? ""): \(done.errorMessage ?? "")")
        let task = try #require(h.fake.tasks.first)
        #expect(task.body["source_audio_url"] == .string(link))
        #expect(done.inputDurationMs.map { abs($0 - 2000) < 50 } == true)
        #expect(done.creditsUsed == 4)
        // Fetched by the adapter to measure it and by the service to convert it; the reference once.
        #expect(h.web.requests.filter { $0.path == "/media/talk.wav" }.count == 2)
        #expect(h.web.requests.filter { $0.path == "/media/ref.wav" }.count == 1)
    }

    @Test("without a publish folder a local file is refused before any request, saying how to give a URL")
    func localFileNeedsURL() async throws {
        let h = try VoiceConvertHarness(publish: false)
        let reference = try h.reference()
        let refURL = h.web.url("/media/reference.wav").absoluteString
        for voice in [reference.path, refURL] {
            let id = try h.fileDub(try h.tone("talk.wav"), voice: voice)
            let dub = try await h.run(id)
            #expect(dub.status == .error)
            #expect(dub.errorCode == "invalid_parameter")
            #expect(dub.errorMessage?.contains("VOICECONVERT_PUBLISH_DIR") == true, "\(dub.errorMessage ?? "")")
        }
        #expect(h.fake.totalCalls == 0)
    }

    @Test("a failed task ends the dub with the service's code and is not charged")
    func failedTaskIsFree() async throws {
        let h = try VoiceConvertHarness()
        h.fake.inject(.taskFails(code: "model_overloaded", message: "try later"), on: .convert)
        let dub = try await h.run(try h.fileDub(try h.tone("talk.wav"), voice: try h.reference().path))
        #expect(dub.status == .error)
        #expect(dub.errorCode == "model_overloaded")
        #expect(dub.errorMessage?.contains("nothing was charged") == true)
        #expect(h.fake.credits == 10_000 && dub.creditsUsed == 0)
    }

    @Test("a reference URL the service cannot fetch fails the task, uncharged")
    func unreachableReference() async throws {
        let h = try VoiceConvertHarness()
        let dub = try await h.run(try h.fileDub(try h.tone("talk.wav"), voice: h.web.url("/media/missing.wav").absoluteString))
        #expect(dub.status == .error)
        #expect(dub.errorCode == "fetch_failed")
        #expect(dub.errorMessage?.contains("reference_audio_url") == true)
        #expect(h.fake.credits == 10_000)
    }

    @Test("402 when the credits do not cover the output: the dub stops with what to do, no task made")
    func insufficientCredits() async throws {
        let h = try VoiceConvertHarness(credits: 3)
        let dub = try await h.run(try h.fileDub(try h.tone("talk.wav", seconds: 2), voice: try h.reference().path))
        #expect(dub.status == .error)
        #expect(dub.errorCode == "insufficient_credits")
        #expect(dub.errorMessage?.contains("top up") == true)
        #expect(h.fake.tasks.isEmpty && h.fake.credits == 3)
    }

    @Test("a 429 is waited out as Retry-After says, a 500 on a poll and a cut download are survived; one task, paid once")
    func transientFaults() async throws {
        let h = try VoiceConvertHarness()
        h.fake.inject(.rateLimited(retryAfterSeconds: 1), on: .convert)
        h.fake.inject(.serverError, on: .getTask)
        h.fake.inject(.dropConnection, on: .downloadAudio)
        let started = Date()
        let dub = try await h.run(try h.fileDub(try h.tone("talk.wav", seconds: 2), voice: try h.reference().path))
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(Date().timeIntervalSince(started) >= 1)
        #expect(h.fake.calls(.convert) == 2 && h.fake.tasks.count == 1)
        #expect(h.fake.calls(.downloadAudio) >= 2)
        #expect(abs(try h.resultSeconds(dub) - 2) < 0.1)
        #expect(h.fake.credits == 10_000 - 4)
    }

    @Test("a task creation whose answer is lost stops the dub in outcome_unknown with no second call; --allow-repay sends exactly one more")
    func lostAnswerIsNotRepaidSilently() async throws {
        let h = try VoiceConvertHarness()
        h.fake.inject(.dropAfterProcessing, on: .convert)
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 2), voice: try h.reference().path)

        let stopped = try await h.run(id)
        #expect(stopped.status == .error && stopped.errorCode == "outcome_unknown", "\(stopped.errorCode ?? "")")
        let runner = DubRunner(store: h.store, provider: h.adapter)
        await #expect(throws: DubKitError.self) { try await runner.retry(id) }
        #expect(h.fake.calls(.convert) == 1)

        _ = try await runner.retry(id, allowRepay: true)
        let dub = try await h.run(id)
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.convert) == 2 && h.fake.tasks.count == 2)
        #expect(try h.store.paidCalls(dub: id).map(\.state) == [.abandoned, .completed])
    }

    @Test("a later process continues a task from the state folder: the POST is not sent twice")
    func resumesInAnotherProcess() async throws {
        let h = try VoiceConvertHarness()
        let first = h.adapter
        let created = try await first.createDub(DubJobRequest(voice: try h.reference().path, pitchShift: 0, separate: false,
                                                              parameters: .empty))
        _ = try await first.uploadDub(jobID: created.jobID, audio: try h.tone("talk.wav"))
        let measured = try await first.preprocessDub(jobID: created.jobID)
        #expect(measured.status == .preprocessed && measured.creditsRequired == 4)
        _ = try await first.generateDub(jobID: created.jobID)

        let second = try VoiceConvertAdapter(stateFolder: h.dir.path("ws/plugins/.state/voiceconvert"), environment: h.environment)
        var state = try await second.pollDub(jobID: created.jobID)
        while state.status == .queued || state.status == .processing {
            try await Task.sleep(nanoseconds: 30_000_000)
            state = try await second.pollDub(jobID: created.jobID)
        }
        #expect(state.status == .done && state.creditsUsed == 4)
        _ = try await second.generateDub(jobID: created.jobID) // already submitted: only looked at
        let out = h.dir.path("out.wav")
        try await second.downloadDub(jobID: created.jobID, to: out)
        #expect(try MediaProbe.probe(out).audioStreams.count == 1)
        #expect(h.fake.calls(.convert) == 1 && h.fake.credits == 10_000 - 4)
    }

    @Test("a task cancelled on the service's side ends the dub, uncharged")
    func cancelledTask() async throws {
        let h = try VoiceConvertHarness(stage: .seconds(30))
        let id = try h.fileDub(try h.tone("talk.wav"), voice: try h.reference().path)
        let run = Task { try await h.run(id) }
        while h.fake.tasks.isEmpty { try await Task.sleep(nanoseconds: 20_000_000) }
        h.fake.cancel(h.fake.tasks[0].id)
        let dub = try await run.value
        #expect(dub.status == .error && dub.errorCode == "task_cancelled")
        #expect(h.fake.credits == 10_000)
    }

    @Test("an audioUrl that has expired is read again for a fresh one and the download succeeds")
    func expiredAudioURL() async throws {
        let h = try VoiceConvertHarness(audioURLLifetime: .seconds(1))
        let job = try await h.adapter.createDub(DubJobRequest(voice: try h.reference().path, pitchShift: 0, separate: false,
                                                              parameters: .empty)).jobID
        _ = try await h.adapter.uploadDub(jobID: job, audio: try h.tone("talk.wav"))
        _ = try await h.adapter.preprocessDub(jobID: job)
        _ = try await h.adapter.generateDub(jobID: job)
        var state = try await h.adapter.pollDub(jobID: job)
        while state.status == .queued || state.status == .processing {
            try await Task.sleep(nanoseconds: 30_000_000)
            state = try await h.adapter.pollDub(jobID: job)
        }
        #expect(state.status == .done)
        // The read the download starts with is answered 1.5 s late: the 1-second link in it has expired on arrival.
        h.fake.inject(.slow(.milliseconds(1500)), on: .getTask)
        let reads = h.fake.calls(.getTask)

        let out = h.dir.path("out.wav")
        try await h.adapter.downloadDub(jobID: job, to: out)

        #expect(h.fake.calls(.downloadAudio) == 2, "the expired link (403), then the fresh one")
        #expect(h.fake.calls(.getTask) == reads + 2, "one more read, for a fresh link")
        #expect(try MediaProbe.probe(out).audioStreams.count == 1)
    }
}
