import CartesiaProvider
import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeCartesia
import Foundation
import Testing

@Suite("Cartesia voice changer through the core's workflow, against the fake server")
struct CartesiaWorkflowTests {
    @Test("a speech file is sent once as clip with the seed's fields, converted, billed 15 characters a second and stored as WAV")
    func fullDub() async throws {
        let h = try CartesiaHarness()
        let speech = try h.speech()
        let id = try h.fileDub(speech, parameters: [
            "container": .string("wav"), "encoding": .string("pcm_s16le"), "sample_rate": .number(22_050),
        ])

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.changeVoiceBytes) == 1 && h.fake.totalCalls == 1)
        let sent = try #require(h.fake.conversions.first)
        #expect(sent.voiceID == h.voice && !sent.streamed)
        #expect(sent.fields == ["voice[id]": h.voice, "output_format[container]": "wav", "output_format[sample_rate]": "22050",
                                "output_format[encoding]": "pcm_s16le"])
        #expect(sent.clipContentType == "audio/wav" && sent.clipFilename == "input.wav")
        // Billed 15 characters a second: the estimate before paying is what the plan was charged.
        let seconds = Double(try #require(dub.inputDurationMs)) / 1000
        #expect(abs(seconds - sent.inputSeconds) < 0.05)
        #expect(dub.creditsRequired == Int64((seconds * 15).rounded(.up)))
        #expect(dub.creditsUsed == dub.creditsRequired)
        #expect(abs(h.fake.creditsUsed - dub.creditsUsed) <= 1)
        let result = try h.result(dub)
        #expect(result.stream.codecName == "pcm_s16le" && result.stream.sampleRate == 22_050)
        #expect(abs(result.seconds - seconds) < 0.1)
        let statuses = try h.store.events(of: .dub, id: id).compactMap(\.toStatus)
        #expect(statuses.contains("preprocessed") && statuses.contains("queued") && statuses.last == "done")
        // The dub is done, so its job's record, staged input and result are gone from the state folder.
        let job = try #require(dub.providerJobID)
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: h.stateFolder.path)) ?? []
        #expect(!kept.contains { $0.hasPrefix(job) }, "\(kept)")
        #expect(h.fake.requests.allSatisfy {
            $0.header("Authorization") == "Bearer \(CartesiaHarness.key)" && $0.header("Cartesia-Version") == "2025-04-16"
        })
    }

    struct Format: Sendable, CustomStringConvertible {
        var parameters: [String: JSONValue]
        var codec: String
        var rate: Int
        var description: String { "\(parameters)" }
    }

    static let formats: [Format] = [
        Format(parameters: [:], codec: "pcm_s16le", rate: 44_100),
        Format(parameters: ["container": .string("raw"), "encoding": .string("pcm_s16le"), "sample_rate": .number(16_000)], codec: "pcm_s16le", rate: 16_000),
        Format(parameters: ["container": .string("raw"), "encoding": .string("pcm_f32le"), "sample_rate": .number(24_000)], codec: "pcm_f32le", rate: 24_000),
        Format(parameters: ["container": .string("raw"), "encoding": .string("pcm_mulaw"), "sample_rate": .number(8000)], codec: "pcm_mulaw", rate: 8000),
        Format(parameters: ["container": .string("raw"), "encoding": .string("pcm_alaw"), "sample_rate": .number(16_000)], codec: "pcm_alaw", rate: 16_000),
        Format(parameters: ["container": .string("wav"), "encoding": .string("pcm_f32le"), "sample_rate": .number(48_000)], codec: "pcm_f32le", rate: 48_000),
        Format(parameters: ["container": .string("wav"), "encoding": .string("pcm_alaw"), "sample_rate": .number(8000)], codec: "pcm_alaw", rate: 8000),
        Format(parameters: ["container": .string("mp3"), "bit_rate": .number(128_000), "sample_rate": .number(44_100)], codec: "mp3", rate: 44_100),
        Format(parameters: ["container": .string("mp3"), "bit_rate": .number(64_000), "sample_rate": .number(22_050)], codec: "mp3", rate: 22_050),
    ]

    @Test("every container and encoding is stored as audio that decodes as asked; raw samples are kept byte for byte", arguments: formats)
    func outputFormats(_ format: Format) async throws {
        let h = try CartesiaHarness()
        let id = try h.fileDub(try h.tone("a.wav", seconds: 1), parameters: format.parameters)

        let dub = try await h.run(id)

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let result = try h.result(dub)
        #expect(result.stream.codecName == format.codec && result.stream.sampleRate == format.rate && result.stream.channels == 1)
        #expect(abs(result.seconds - 1) < 0.1, "\(result.seconds) s")
        let sent = try #require(h.fake.conversions.first)
        if case .string("raw")? = format.parameters["container"] {
            // The service sent bare samples; what is stored is exactly them behind a WAV header.
            let layout = try RawAudioWAV.layout(of: h.store.media.url(for: try #require(dub.resultMediaHash)))
            #expect(layout.dataBytes == Int64(sent.outputBytes))
        }
        if format.parameters.isEmpty {
            #expect(sent.fields["output_format[container]"] == "wav" && sent.fields["output_format[encoding]"] == "pcm_s16le"
                    && sent.fields["output_format[sample_rate]"] == "44100" && sent.fields["output_format[bit_rate]"] == nil)
        }
    }

    @Test("stream=true writes the audio to disk while the fake still sends events slowly; both framings decode",
          arguments: [FakeCartesia.Framing.dataLines, .bareJSON])
    func slowStream(_ framing: FakeCartesia.Framing) async throws {
        let h = try CartesiaHarness(options: .init(streamChunks: 8, streamChunkDelay: .milliseconds(40), framing: framing))
        let reports = Locked<[Double]>([])
        let folder = h.stateFolder
        // The last event is held back until the adapter has reported progress and its partial audio
        // file holds bytes: the audio is on disk before the answer ends.
        h.fake.holdStreamEnd {
            reports.current.contains { $0 > 0 && $0 < 1 } && PartialResults.bytes(in: folder) > 0
        }
        let id = try h.fileDub(try h.speech(), parameters: ["stream": .bool(true), "encoding": .string("pcm_s16le"),
                                                           "sample_rate": .number(22_050)])

        let dub = try await h.run(id, progress: { fraction in reports.withLock { $0.append(fraction) } })

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.changeVoiceSSE) == 1 && h.fake.calls(.changeVoiceBytes) == 0)
        let sent = try #require(h.fake.conversions.first)
        #expect(sent.streamed && sent.fields["output_format[container]"] == "raw")
        let seen = reports.current
        #expect(seen.filter { $0 > 0 && $0 < 1 }.count >= 3, "\(seen)")
        #expect(seen == seen.sorted() && seen.last == 1)
        let result = try h.result(dub)
        #expect(result.stream.codecName == "pcm_s16le" && result.stream.sampleRate == 22_050)
        let layout = try RawAudioWAV.layout(of: h.store.media.url(for: try #require(dub.resultMediaHash)))
        #expect(layout.dataBytes == Int64(sent.outputBytes)) // every chunk's samples, in order, none lost
        #expect(abs(result.seconds - sent.inputSeconds) < 0.1)
    }

    @Test("a generate whose audio was stored before the process died is not sent again")
    func storedResultIsNotPaidTwice() async throws {
        let h = try CartesiaHarness()
        let id = try h.fileDub(try h.tone("a.wav"))

        // The first process gets the audio, then dies before the store records the generate.
        await #expect(throws: CancellationError.self) {
            _ = try await h.run(id, provider: DiesAfterGenerate(inner: h.adapter))
        }
        #expect(try h.store.dub(id).status == .preprocessed)
        #expect(try h.store.lastAttempt(.generate, dub: id)?.outcome == .running)
        #expect(h.fake.calls(.changeVoiceBytes) == 1)
        let charged = h.fake.creditsUsed

        let dub = try await h.run(id, provider: try h.makeAdapter())

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.changeVoiceBytes) == 1)
        #expect(h.fake.creditsUsed == charged)
        #expect(abs(try h.result(dub).seconds - 1.5) < 0.1)
    }

    @Test("a stream whose answer is lost stops the dub in outcome_unknown with no second call; --allow-repay sends exactly one more")
    func lostStreamIsNotRepaidSilently() async throws {
        let h = try CartesiaHarness()
        h.fake.inject(.dropAfterEffect, on: .changeVoiceSSE)
        let id = try h.fileDub(try h.tone("a.wav"), parameters: ["stream": .bool(true)])

        let stopped = try await h.run(id)
        #expect(stopped.status == .error && stopped.errorCode == "outcome_unknown", "\(stopped.errorCode ?? "")")
        #expect(stopped.errorMessage?.contains("dub retry --project") == true, "\(stopped.errorMessage ?? "")")
        let runner = DubRunner(store: h.store, provider: h.adapter)
        await #expect(throws: DubKitError.self) { try await runner.retry(id) }
        #expect(h.fake.calls(.changeVoiceSSE) == 1)

        _ = try await runner.retry(id, allowRepay: true)
        let dub = try await h.run(id)
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.changeVoiceSSE) == 2)
        #expect(try h.store.paidCalls(dub: id).map(\.state) == [.abandoned, .completed])
    }

    @Test("a stream cut by an error event stores nothing and is sent again; a batch keeps to 2 at once")
    func cutStreamsAndConcurrency() async throws {
        let h = try CartesiaHarness(options: .init(maxConcurrentRequests: 2, processingDelay: .milliseconds(200)))
        h.fake.inject(.streamError, on: .changeVoiceSSE)
        let id = try h.fileDub(try h.tone("a.wav"), parameters: ["stream": .bool(true)])

        let notes = Locked<[String]>([])
        let dub = try await h.run(id, report: { line in notes.withLock { $0.append(line) } })

        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.changeVoiceSSE) == 2)
        #expect(h.fake.conversions.map(\.charged).filter { $0 > 0 }.count == 1) // the failed stream was not charged
        let said = notes.current.joined(separator: "\n")
        #expect(said.contains("stopped the stream with an error (500 stream_error: Voice conversion failed midway.)"), "\(said)")
        // Nothing of the cut streams is left: once done, the job's folder is gone whole.
        let job = try #require(dub.providerJobID)
        #expect(!((try? FileManager.default.contentsOfDirectory(atPath: h.stateFolder.path)) ?? []).contains { $0.hasPrefix(job) })

        let ids = try (1...4).map { try h.fileDub(try h.tone("b\($0).wav", seconds: 0.5)) }
        let adapter = h.adapter
        let outcomes = await DubBatch(store: h.store, jobsPerProvider: 4, pollInterval: 0.02, retryDelay: 0.05)
            .run(try ids.map { try h.store.dub($0) }) { _ in adapter }
        #expect(outcomes.values.allSatisfy { if case let .finished(dub) = $0 { dub.status == .done } else { false } })
        #expect(h.fake.mostConcurrentConversions <= 2)
        #expect(h.fake.calls(.changeVoiceBytes) == 4) // no 429: the batch never asked for a third at once
    }
}

/// The adapter, in a process that dies right after generate got its answer, before the store hears of it.
struct DiesAfterGenerate: Provider {
    let inner: CartesiaAdapter
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
