import DubKit
import DubKitMedia
import DubKitTestSupport
import ElevenLabsProvider
import FakeElevenLabs
import Foundation
import Testing

@Suite("ElevenLabs speech-to-speech through the core's workflow, against the fake server")
struct ElevenLabsWorkflowTests {
    @Test("a speech file is sent once with every option, converted, billed by the minute and stored as MP3")
    func fullDub() async throws {
        let h = try ElevenLabsHarness()
        let speech = try h.speech()
        let id = try h.fileDub(speech, parameters: [
            "model_id": .string("eleven_multilingual_sts_v2"), "stability": .number(0.4), "similarity_boost": .number(0.9),
            "use_speaker_boost": .bool(true), "seed": .number(4_294_967_295), "remove_background_noise": .bool(true),
            "optimize_streaming_latency": .number(2), "enable_logging": .bool(false),
        ])

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.convert) == 1 && h.fake.calls(.listModels) == 1)
        let sent = try #require(h.fake.conversions.first)
        #expect(sent.voiceID == h.voice && !sent.streamed)
        #expect(sent.fields["model_id"] == "eleven_multilingual_sts_v2")
        #expect(sent.fields["voice_settings"] == #"{"similarity_boost":0.9,"stability":0.4,"use_speaker_boost":true}"#)
        #expect(sent.fields["seed"] == "4294967295" && sent.fields["remove_background_noise"] == "true")
        #expect(sent.fields["file_format"] == nil && sent.audioFormat == "wav") // the extracted audio, as a file
        #expect(sent.query == ["output_format": "mp3_44100_128", "optimize_streaming_latency": "2", "enable_logging": "false"])
        // Billed 1,000 characters a minute: the estimate before paying is what the plan was charged.
        let seconds = Double(try #require(dub.inputDurationMs)) / 1000
        #expect(abs(seconds - sent.inputSeconds) < 0.05)
        #expect(dub.creditsRequired == Int64((seconds * 1000 / 60).rounded(.up)))
        #expect(dub.creditsUsed == dub.creditsRequired)
        #expect(abs(h.fake.charactersUsed - dub.creditsUsed) <= 1)
        let result = try h.result(dub)
        #expect(result.stream.codecName == "mp3" && result.stream.sampleRate == 44_100)
        #expect(abs(result.seconds - seconds) < 0.15)
        let statuses = try h.store.events(of: .dub, id: id).compactMap(\.toStatus)
        #expect(statuses.contains("preprocessed") && statuses.contains("queued") && statuses.last == "done")
        // The dub is done, so its job's record, staged input and result are gone from the state folder.
        let job = try #require(dub.providerJobID)
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: h.stateFolder.path)) ?? []
        #expect(!kept.contains { $0.hasPrefix(job) }, "\(kept)")
        #expect(h.fake.requests.allSatisfy { $0.header("xi-api-key") == ElevenLabsHarness.key })
    }

    @Test("every output format of the seed is stored as audio that decodes at the format's rate",
          arguments: ElevenLabsOutputFormat.names)
    func outputFormats(_ name: String) async throws {
        let h = try ElevenLabsHarness()
        let format = try #require(ElevenLabsOutputFormat(name))
        let id = try h.fileDub(try h.tone("a.wav", seconds: 1), parameters: ["output_format": .string(name)])

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let result = try h.result(dub)
        #expect(result.stream.sampleRate == format.sampleRate)
        #expect(result.stream.codecName == ["mp3": "mp3", "pcm": "pcm_s16le", "ulaw": "pcm_mulaw"][format.codec.rawValue])
        #expect(result.stream.channels == 1)
        #expect(abs(result.seconds - 1) < 0.1, "\(result.seconds) s")
        let sent = try #require(h.fake.conversions.first)
        #expect(sent.outputFormat == name)
        if format.isHeaderless {
            // The service sent bare samples; what is stored is exactly them behind a WAV header.
            let layout = try RawAudioWAV.layout(of: h.store.media.url(for: try #require(dub.resultMediaHash)))
            #expect(layout.dataBytes == Int64(sent.outputBytes))
        }
    }

    @Test("file_format=pcm_s16le_16 sends the input as raw 16-bit 16 kHz mono PCM, which the fake checks")
    func rawPCMInput() async throws {
        let h = try ElevenLabsHarness()
        let id = try h.fileDub(try h.tone("a.wav", seconds: 1.5), parameters: ["file_format": .string("pcm_s16le_16")])

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let sent = try #require(h.fake.conversions.first)
        #expect(sent.fields["file_format"] == "pcm_s16le_16")
        #expect(sent.audioFormat == "pcm_s16le_16") // no container header: bare samples
        #expect(abs(sent.audioBytes - 48_000) <= 64) // 1.5 s × 16000 samples × 2 bytes
        #expect(abs(sent.inputSeconds - 1.5) < 0.01)
        #expect(abs(try h.result(dub).seconds - 1.5) < 0.1)

        // The same flag with a WAV in the part is refused by the fake: it does check.
        let conversion = try ElevenLabsConversion(voiceID: h.voice, parameters: DubParameters(["file_format": .string("pcm_s16le_16")]))
        let error = await #expect(throws: ElevenLabsError.self) {
            _ = try await h.adapter.client.convert(conversion, audio: try h.tone("b.wav"), contentType: "audio/wav",
                                                   to: h.dir.path("out.part"))
        }
        guard case let .unprocessable(_, problems)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(problems.contains("audio") && problems.contains("raw"))
    }

    @Test("stream=true writes the audio to disk while the fake is still sending it slowly; the result decodes")
    func slowStream() async throws {
        let h = try ElevenLabsHarness(options: .init(streamChunks: 8, streamChunkDelay: .milliseconds(60)))
        let reports = Locked<[Double]>([])
        let folder = h.stateFolder
        // The last chunk is held back until the adapter has reported progress and its partial file
        // holds bytes: the audio is on disk before the answer ends.
        h.fake.holdStreamEnd {
            reports.current.contains { $0 > 0 && $0 < 1 } && PartialResults.bytes(in: folder) > 0
        }
        let id = try h.fileDub(try h.tone("a.wav", seconds: 2), parameters: ["stream": .bool(true), "output_format": .string("pcm_22050")])

        let dub = try await h.run(id) { fraction in reports.withLock { $0.append(fraction) } }

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.convertStream) == 1 && h.fake.calls(.convert) == 0)
        #expect(h.fake.conversions.first?.streamed == true)
        let seen = reports.current
        #expect(seen.filter { $0 > 0 && $0 < 1 }.count >= 3, "\(seen)")
        #expect(seen == seen.sorted() && seen.last == 1)
        let result = try h.result(dub)
        #expect(result.stream.sampleRate == 22_050 && abs(result.seconds - 2) < 0.1)
    }

    @Test("a generate whose audio was stored before the process died is not sent again")
    func storedResultIsNotPaidTwice() async throws {
        let h = try ElevenLabsHarness()
        let id = try h.fileDub(try h.tone("a.wav"))

        // The first process gets the audio, then dies before the store records the generate.
        await #expect(throws: CancellationError.self) {
            _ = try await h.run(id, provider: DiesAfterGenerate(inner: h.adapter))
        }
        #expect(try h.store.dub(id).status == .preprocessed)
        #expect(try h.store.lastAttempt(.generate, dub: id)?.outcome == .running)
        #expect(h.fake.calls(.convert) == 1)
        let charged = h.fake.charactersUsed

        let dub = try await h.run(id, provider: try h.makeAdapter())

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.convert) == 1)
        #expect(h.fake.charactersUsed == charged)
        #expect(abs(try h.result(dub).seconds - 1.5) < 0.1)
    }

    @Test("an answer cut off mid-audio stops the dub in outcome_unknown with no second call; --allow-repay sends exactly one more")
    func cutAnswerIsNotRepaidSilently() async throws {
        let h = try ElevenLabsHarness()
        h.fake.inject(.dropMidBody, on: .convert)
        let id = try h.fileDub(try h.tone("a.wav"), parameters: ["output_format": .string("pcm_24000")])

        let stopped = try await h.run(id)
        // ElevenLabs keeps no job to look up: the cut answer was billed, and nothing is sent again unasked.
        #expect(stopped.status == .error && stopped.errorCode == "outcome_unknown", "\(stopped.errorCode ?? "")")
        #expect(stopped.errorMessage?.contains("may have been charged") == true, "\(stopped.errorMessage ?? "")")
        #expect(try await h.run(id).status == .error)
        let runner = DubRunner(store: h.store, provider: h.adapter)
        await #expect(throws: DubKitError.self) { try await runner.retry(id) }
        #expect(h.fake.calls(.convert) == 1)
        #expect(try h.store.committedCredits() >= stopped.creditsRequired ?? 1)

        _ = try await runner.retry(id, allowRepay: true)
        let dub = try await h.run(id)
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.convert) == 2 && h.fake.conversions.count == 2)
        #expect(try h.store.paidCalls(dub: id).map(\.state) == [.abandoned, .completed])
        let result = try h.result(dub)
        #expect(result.stream.sampleRate == 24_000 && abs(result.seconds - 1.5) < 0.1)
    }

    @Test("429 too_many_concurrent_requests is waited out as Retry-After says; a batch keeps to the plan's 2 at once")
    func concurrency() async throws {
        let h = try ElevenLabsHarness(options: .init(maxConcurrentRequests: 2, processingDelay: .milliseconds(300)))
        h.fake.inject(.tooManyConcurrentRequests(retryAfterSeconds: 1), on: .convert)
        let first = try h.fileDub(try h.tone("a.wav", seconds: 1))
        let started = Date()
        let dub = try await h.run(first)
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.convert) == 2 && h.fake.conversions.count == 1)
        #expect(Date().timeIntervalSince(started) >= 1)

        let ids = try (1...4).map { try h.fileDub(try h.tone("b\($0).wav", seconds: 0.5)) }
        let adapter = h.adapter
        let outcomes = await DubBatch(store: h.store, jobsPerProvider: 4, pollInterval: 0.02, retryDelay: 0.05)
            .run(try ids.map { try h.store.dub($0) }) { _ in adapter }
        #expect(outcomes.values.allSatisfy { if case let .finished(dub) = $0 { dub.status == .done } else { false } })
        #expect(h.fake.mostConcurrentConversions <= 2)
        #expect(h.fake.calls(.convert) == 6) // no more 429s: the batch never asked for a third at once
    }
}

/// The adapter, in a process that dies right after generate got its answer, before the store hears of it.
struct DiesAfterGenerate: Provider {
    let inner: ElevenLabsAdapter
    var descriptor: ProviderDescriptor { inner.descriptor }

    func createDub(_ request: DubJobRequest) async throws -> DubJobState { try await inner.createDub(request) }
    func uploadDub(jobID: String, audio: URL) async throws -> DubJobState { try await inner.uploadDub(jobID: jobID, audio: audio) }
    func preprocessDub(jobID: String) async throws -> DubJobState { try await inner.preprocessDub(jobID: jobID) }
    func generateDub(jobID: String, progress: @escaping @Sendable (Double) -> Void) async throws -> DubJobState {
        _ = try await inner.generateDub(jobID: jobID, progress: progress)
        throw CancellationError()
    }
    func pollDub(jobID: String) async throws -> DubJobState { try await inner.pollDub(jobID: jobID) }
    func downloadDub(jobID: String, to destination: URL) async throws { try await inner.downloadDub(jobID: jobID, to: destination) }
}
