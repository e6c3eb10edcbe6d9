import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
import VoiceDubProvider

@Suite("VoiceDub through the core's workflow, against the fake server")
struct VoiceDubWorkflowTests {
    @Test("a local video is extracted, uploaded, preprocessed, generated once, polled and downloaded")
    func fullDubFromFile() async throws {
        let h = try VoiceDubHarness()
        let video = h.dir.path("talk.mp4")
        try Fixtures.video(video, seconds: 2)
        let id = try h.fileDub(video, pitch: -3)

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let jobID = try #require(dub.providerJobID)
        let remote = try #require(h.fake.dub(jobID))
        #expect(remote.status == "done")
        #expect(remote.pitchShift == -3)
        #expect(remote.separate == false)
        #expect(remote.uploadedBytes > 100_000) // 2 s of 44.1 kHz 16-bit audio, not the MP4
        #expect(remote.preprocessCalls == 1 && remote.generateCalls == 1)
        #expect(h.fake.calls(.generateDub) == 1 && h.fake.calls(.preprocessDub) == 1)
        // Billing: 2 s is one started minute, at least 10 credits.
        #expect(dub.inputDurationMs.map { abs($0 - 2000) < 100 } == true)
        #expect(dub.creditsRequired == 10 && dub.creditsUsed == 10, "\(dub.creditsRequired ?? -1) \(dub.creditsUsed)")
        #expect(h.fake.credits == 10_000 - 10)
        #expect(abs(try h.resultSeconds(dub) - 2) < 0.1)
        // Once done, nothing is kept for the job in the state folder (its upload URL, its poll time).
        let kept = try FileManager.default.contentsOfDirectory(atPath: h.stateFolder.path)
        #expect(!kept.contains { $0.contains(jobID) }, "\(kept)")
        // Every status change the core recorded is one of the lifecycle's.
        let statuses = try h.store.events(of: .dub, id: id).compactMap(\.toStatus)
        #expect(statuses.first == "new" && statuses.last == "done", "\(statuses)")
        #expect(statuses.contains("uploading") && statuses.contains("uploaded"))
        #expect(statuses.contains("preprocessed") && statuses.contains("queued") && statuses.contains("finalizing"))
        h.expectAnswersMatchSpec()
    }

    @Test("a link is handed to VoiceDub, which fetches it itself: nothing is uploaded")
    func fullDubFromLink() async throws {
        let h = try VoiceDubHarness()
        let wav = try h.tone("speech.wav", seconds: 3)
        let bytes = try Data(contentsOf: wav)
        let media = try TestHTTPServer { _ in
            TestHTTPResponse(status: 200, headers: [("Content-Type", "audio/wav")], body: .bytes(bytes))
        }
        let link = media.url("/media/speech.wav").absoluteString
        let id = try h.linkDub(link)

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let jobID = try #require(dub.providerJobID)
        let remote = try #require(h.fake.dub(jobID))
        #expect(remote.link == link)
        #expect(remote.uploadedBytes == 0)
        #expect(h.fake.calls(.uploadDub) == 0)
        #expect(media.requests.count >= 1)
        #expect(dub.inputDurationMs.map { abs($0 - 3000) < 100 } == true)
        #expect(abs(try h.resultSeconds(dub) - 3) < 0.1)
        h.expectAnswersMatchSpec()
    }

    @Test("a custom voice is trained from a dataset (create, one PUT per file, clone once, poll) and dubs with it")
    func trainingFromDataset() async throws {
        let h = try VoiceDubHarness()
        let dataset = try h.store.createDataset(named: "narrator")
        _ = try await h.store.addRecording(try h.speech("take1.wav"), to: dataset)
        _ = try await h.store.addRecording(try h.speech("take2.wav", "Another sentence, read a little faster, for the second take."), to: dataset)

        let voice = try await h.trainer().train(name: "narrator", dataset: dataset, maxMinutes: 5, separate: true)

        #expect(voice.status == .done, "\(voice.errorCode ?? ""): \(voice.errorMessage ?? "")")
        let voiceID = try #require(voice.providerVoiceID)
        let remote = try #require(h.fake.voice(voiceID))
        #expect(remote.name == "narrator" && remote.numberOfFiles == 2 && remote.maxMinutes == 5)
        #expect(remote.uploadedFiles == [0, 1])
        #expect(remote.cloneCalls == 1 && h.fake.calls(.cloneVoice) == 1)
        #expect(remote.status == "done")
        #expect(voice.creditsUsed == 50 && h.fake.credits == 10_000 - 50)
        // Trained: its upload URLs and poll time are gone from the state folder.
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: h.stateFolder.path)) ?? []
        #expect(!kept.contains { $0.contains(voiceID) }, "\(kept)")

        // The trained voice dubs by its DubKit name.
        let id = try h.fileDub(try h.tone("line.wav", seconds: 1), voice: "narrator")
        let dub = try await h.run(id)
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.dub(dub.providerJobID ?? "")?.voiceID == voice.providerVoiceID)
        h.expectAnswersMatchSpec()
    }

    @Test("a generate that would cost more credits than are left is refused before it is sent")
    func notEnoughCreditsRefusedBeforeGenerate() async throws {
        let h = try VoiceDubHarness(credits: 5)
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1))

        let dub = try await h.run(id)

        #expect(dub.status == .error)
        #expect(dub.errorCode == "not_enough_credits")
        #expect(dub.errorMessage?.contains("needs 10 credits and the account has 5") == true)
        #expect(dub.errorMessage?.contains("provider check voicedub") == true)
        #expect(h.fake.calls(.generateDub) == 0)
        #expect(h.fake.credits == 5)
    }

    @Test("a training that would cost more credits than are left is refused before clone")
    func notEnoughCreditsRefusedBeforeClone() async throws {
        let h = try VoiceDubHarness(credits: 40)
        let dataset = try h.store.createDataset(named: "narrator")
        _ = try await h.store.addRecording(try h.speech("take1.wav"), to: dataset)

        let voice = try await h.trainer().train(name: "narrator", dataset: dataset, maxMinutes: 5)

        #expect(voice.status == .error && voice.errorCode == "not_enough_credits")
        #expect(voice.errorMessage?.contains("needs 50 credits and the account has 40") == true)
        #expect(h.fake.calls(.cloneVoice) == 0)
    }

    @Test("an input over 30 minutes is refused before anything is uploaded")
    func thirtyMinuteLimit() async throws {
        let h = try VoiceDubHarness()
        // A WAV whose header and (sparse) size say 30:01 of 8 kHz mono 16-bit audio.
        let long = h.dir.path("long.wav")
        try Self.sparseWAV(long, seconds: 30 * 60 + 1, rate: 8000)
        let created = try await h.adapter.createDub(DubJobRequest(voice: h.publicVoice, pitchShift: 0, separate: false,
                                                                  parameters: .empty))
        await #expect {
            _ = try await h.adapter.uploadDub(jobID: created.jobID, audio: long)
        } throws: { error in
            guard case let .remote(_, _, code, message)? = error as? ProviderError else { return false }
            return code == "input_too_long" && message.contains("30:01") && message.contains("at most 30:00")
        }
        #expect(h.fake.calls(.uploadDub) == 0)

        // Exactly 30 minutes is allowed.
        let limit = h.dir.path("limit.wav")
        try Self.sparseWAV(limit, seconds: 30 * 60, rate: 8000)
        _ = try await h.adapter.uploadDub(jobID: created.jobID, audio: limit)
        #expect(h.fake.calls(.uploadDub) == 1)
    }

    @Test("a dub that VoiceDub ends in error carries its errorCode and errorMessage")
    func dubErrorSurfaces() async throws {
        let h = try VoiceDubHarness()
        h.fake.inject(.dubFails(code: "conversion_failed", message: "The model could not convert this audio"), on: .generateDub)
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1))

        let dub = try await h.run(id)

        #expect(dub.status == .error)
        #expect(dub.errorCode == "conversion_failed")
        #expect(dub.errorMessage?.contains("The model could not convert this audio") == true)
        #expect(h.fake.dub(dub.providerJobID ?? "")?.generateCalls == 1)
        h.expectAnswersMatchSpec()
    }

    @Test("a source over 30 minutes is cut into chunks VoiceDub takes: none over 30 minutes reaches it")
    func thirtyMinuteLimitInTheCore() async throws {
        let h = try VoiceDubHarness()
        // 30:01 of silence at 8 kHz (a sparse file: cheap to write); one long pause, cut as late as the limit allows.
        let long = h.dir.path("long.wav")
        try Self.sparseWAV(long, seconds: 30 * 60 + 1, rate: 8000)
        let id = try h.fileDub(long)

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let chunks = try h.store.chunks(of: id)
        #expect(chunks.count == 2 && dub.providerJobID == nil)
        #expect(h.fake.dubIDs.count == 2)
        for job in h.fake.dubIDs {
            let seconds = Double(h.fake.dub(job)?.inputDuration ?? .max) / 1000
            #expect(seconds < 1800, "VoiceDub was sent \(seconds) s")
        }
        // 29:51 and the last 10 s: 30 and 1 started minutes.
        let seconds = try h.resultSeconds(dub)
        #expect(dub.creditsUsed == 310 && abs(seconds - 1801) < 0.02, "\(dub.creditsUsed) credits, \(seconds) s")
    }

    @Test("separate=true reaches VoiceDub and is billed like any dub: 10 credits per started minute")
    func separatedDub() async throws {
        let h = try VoiceDubHarness()
        let dub = try h.store.createDub(Dub(providerID: "voicedub", voiceRef: h.publicVoice, sourceKind: .file,
                                            source: try h.tone("song.wav", seconds: 61).path, separate: true))

        let done = try await h.run(try require(dub.id))

        #expect(done.status == .done, "\(done.errorCode ?? ""): \(done.errorMessage ?? "")")
        let job = try #require(done.providerJobID)
        let remote = try #require(h.fake.dub(job))
        #expect(remote.separate == true)
        // 61 s is two started minutes.
        #expect(remote.requiredCredits == 20 && remote.apiCreditsUsed == 20 && h.fake.credits == 10_000 - 20)
        #expect(done.creditsRequired == 20 && done.creditsUsed == 20)
        let answers = h.fake.sentResponses.filter { $0.operation == .getDub || $0.operation == .createDub }
        #expect(!answers.isEmpty && answers.allSatisfy { String(decoding: $0.body, as: UTF8.self).contains(#""separate":true"#) })
        h.expectAnswersMatchSpec()
    }

    @Test("an expired dubUrl is read again for a fresh one and the download succeeds")
    func expiredDubURL() async throws {
        let h = try VoiceDubHarness(urlLifetime: .seconds(1))
        let created = try await h.adapter.createDub(DubJobRequest(voice: h.publicVoice, pitchShift: 0, separate: false,
                                                                  parameters: .empty))
        let job = created.jobID
        _ = try await h.adapter.uploadDub(jobID: job, audio: try h.tone("talk.wav", seconds: 1))
        try await h.preprocess(job)
        _ = try await h.adapter.generateDub(jobID: job)
        let paced = h.paced
        var state = try await paced.pollDub(jobID: job)
        while state.status != .done && state.status != .error { state = try await paced.pollDub(jobID: job) }
        #expect(state.status == .done)
        try await Task.sleep(for: .milliseconds(1100)) // the dubUrl the last read returned has expired
        let reads = h.fake.calls(.getDub, id: job)

        let result = h.dir.path("result.wav")
        // As the core hands it over: with the read that found the dub done (and its dubUrl).
        try await h.adapter.downloadDub(jobID: job, to: result, seen: state)

        #expect(h.fake.calls(.downloadDub) == 2, "the expired URL, then the fresh one")
        #expect(h.fake.calls(.getDub, id: job) == reads + 1, "one read for a fresh URL")
        #expect(abs((try MediaProbe.probe(result).durationSeconds ?? 0) - 1) < 0.1)
        h.expectAnswersMatchSpec()
    }

    @Test("without VOICEDUB_BASE_URL the adapter talks to https://api.voicedub.ai")
    func defaultBaseURL() throws {
        #expect(VoiceDubDescriptor.value.baseURL == "https://api.voicedub.ai")
        #expect(VoiceDubDescriptor.value.baseURLVariable == "VOICEDUB_BASE_URL")
        let dir = try TemporaryDirectory()
        let adapter = try VoiceDubAdapter(stateFolder: dir.path("state"), environment: ["VOICEDUB_API_KEY": "k"])
        #expect(adapter.client.baseURL.absoluteString == "https://api.voicedub.ai")
        let overridden = try VoiceDubAdapter(stateFolder: dir.path("state"),
                                             environment: ["VOICEDUB_API_KEY": "k", "VOICEDUB_BASE_URL": "http://127.0.0.1:9/"])
        #expect(overridden.client.baseURL.absoluteString == "http://127.0.0.1:9/")
    }

    /// Writes a 16-bit mono WAV header for `seconds` and extends the file sparsely to its full size.
    static func sparseWAV(_ url: URL, seconds: Int, rate: Int) throws {
        let dataBytes = UInt32(seconds * rate * 2)
        var header = Data()
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        header.append(Data("RIFF".utf8)); append32(36 + dataBytes); header.append(Data("WAVE".utf8))
        header.append(Data("fmt ".utf8)); append32(16); append16(1); append16(1)
        append32(UInt32(rate)); append32(UInt32(rate * 2)); append16(2); append16(16)
        header.append(Data("data".utf8)); append32(dataBytes)
        try header.write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(header.count) + UInt64(dataBytes))
        try handle.close()
    }
}
