import CartesiaProvider
import DubKit
import DubKitMedia
import DubKitTestSupport
import FakeCartesia
import Foundation
import Testing

@Suite("Cartesia datasets and fine-tunes through the core's voice trainer, against the fake server")
struct CartesiaTrainingTests {
    @Test("32 minutes of generated speech train a voice: one dataset, each file once, one fine-tune walked to completed; a dub uses its voice")
    func fullTraining() async throws {
        let h = try CartesiaHarness()
        let dataset = try await h.speechDataset("narrator")
        let files = try h.store.files(of: dataset)
        #expect(DatasetValidator(descriptor: CartesiaDescriptor.value).problems(files, dataset: "narrator").filter { $0.severity == .error }.isEmpty)
        let reports = Locked<[String]>([])
        var trainer = VoiceTrainer(store: h.store, provider: h.adapter, pollInterval: 0.02) { line in reports.withLock { $0.append(line) } }
        trainer.retryDelay = 0.05

        let voice = try await trainer.train(name: "narrator", dataset: dataset, parameters: try DubParameters([
            "language": .string("en"), "description": .string("The narrator of our films"),
        ]))

        #expect(voice.status == .done, "\(voice.errorCode ?? ""): \(voice.errorMessage ?? "")")
        let remote = try #require(h.fake.datasets.first)
        #expect(h.fake.datasets.count == 1 && remote.name == "narrator" && remote.description == "The narrator of our films")
        #expect(voice.providerVoiceID == remote.id)
        #expect(remote.files.count == 4 && remote.seconds >= 1800)
        #expect(h.fake.uploads(in: remote.id).values.allSatisfy { $0 == 1 })
        #expect(Set(remote.files.map(\.filename)) == Set(files.map { "\($0.mediaHash).wav" }))
        #expect(remote.files.allSatisfy { $0.purpose == "fine_tune" })
        let fineTune = try #require(h.fake.fineTunes.first)
        #expect(h.fake.fineTunes.count == 1 && h.fake.calls(.createFineTune) == 1)
        #expect(fineTune.dataset == remote.id && fineTune.language == "en" && fineTune.modelID == "sonic-2" && fineTune.name == "narrator")
        // created → training → completed, read no more often than the poll interval allows.
        let voiceRow = try #require(voice.id as Int64?)
        let statuses = try h.store.events(of: .voice, id: voiceRow).compactMap(\.toStatus)
        #expect(statuses == ["new", "uploading", "queued", "processing", "finalizing", "done"], "\(statuses)")
        let reads = h.fake.requests.filter { $0.method == "GET" && $0.path == "/fine-tunes/\(fineTune.id)" }.count
        #expect(reads >= 2 && reads <= 25, "\(reads) reads of the fine-tune")
        let trainedVoice = try #require(fineTune.voiceID)
        #expect(voice.modelDataValue == .object([
            "voice_id": .string(trainedVoice), "fine_tune_id": .string(fineTune.id), "dataset_id": .string(remote.id),
            "language": .string("en"), "model_id": .string("sonic-2"), "voice_name": .string("narrator"),
        ]))
        #expect(voice.creditsUsed == 1_000_000 && h.fake.creditsUsed == 1_000_000)
        #expect(reports.current.contains { $0.contains("uploading 4/4") })

        // The trained voice is listed by the catalogue, and a dub with it by name converts with its voice.
        let mine = try await h.adapter.voices(VoiceQuery(limit: 5))
        #expect(mine.voices.first?.id == trainedVoice)
        let dub = try await h.run(try h.fileDub(try h.tone("line.wav"), voice: "narrator"))
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.conversions.last?.voiceID == trainedVoice)
    }

    @Test("under 30 minutes is refused by the validator before anything is created; the fake refuses it at fine-tune creation too")
    func thirtyMinuteRule() async throws {
        let h = try CartesiaHarness()
        let dataset = try await h.speechDataset("short", files: 1, minutes: 1)
        let problems = DatasetValidator(descriptor: CartesiaDescriptor.value).problems(try h.store.files(of: dataset), dataset: "short")
        let rule = try #require(problems.first { $0.rule == "total-duration" })
        #expect(rule.severity == .error && rule.message.contains("needs at least 30.0 min"), "\(rule.message)")
        await #expect(throws: DubKitError.self) { _ = try await h.trainer().train(name: "short", dataset: dataset) }
        let stored = try h.store.voices()
        #expect(h.fake.totalCalls == 0 && stored.isEmpty)
        // Bad training parameters are refused before anything is created, too.
        await #expect {
            _ = try await h.trainer().train(name: "x", dataset: dataset, parameters: try DubParameters(["language": .string("xx")]))
        } throws: { error in
            guard case let .invalidParameter(_, field, _, allowed)? = error as? ProviderError else { return false }
            return field == "language" && allowed.contains("en, de, es")
        }
        #expect(h.fake.totalCalls == 0)

        // Going around the core: Cartesia itself refuses a fine-tune on less than 30 minutes.
        let created = try await h.adapter.createVoice(VoiceJobRequest(name: "short", numberOfFiles: 1))
        let file = try #require(try h.store.files(of: dataset).first)
        _ = try await h.adapter.uploadVoiceFile(voiceID: created.voiceID, file: h.store.media.url(for: file.mediaHash))
        await #expect {
            _ = try await h.adapter.trainVoice(voiceID: created.voiceID)
        } throws: { error in
            guard case let .remote(_, status, code, message)? = error as? ProviderError else { return false }
            return status == 422 && code == "dataset_too_short" && message.contains("at least 30 minutes")
        }
        #expect(h.fake.fineTunes.isEmpty)
        // A refusal created nothing: the next try is not preceded by a search for a fine-tune it might have made.
        await #expect(throws: ProviderError.self) { _ = try await h.adapter.trainVoice(voiceID: created.voiceID) }
        #expect(h.fake.calls(.createFineTune) == 2 && h.fake.calls(.listFineTunes) == 0)
    }

    @Test("a fine-tune Cartesia fails ends the voice in error with what to do")
    func failedFineTune() async throws {
        let h = try CartesiaHarness()
        h.fake.failNextFineTunes()
        let dataset = try await h.speechDataset("narrator", files: 2, minutes: 15.5)

        let voice = try await h.trainer().train(name: "narrator", dataset: dataset)

        #expect(voice.status == .error && voice.errorCode == "fine_tune_failed")
        #expect(voice.errorMessage?.contains("dataset validate --provider cartesia") == true, "\(voice.errorMessage ?? "")")
        #expect(voice.creditsUsed == 0 && h.fake.creditsUsed == 0)
        #expect(h.fake.fineTunes.count == 1)
    }

    @Test("processes dying mid-upload and mid-fine-tune, answers lost: the resume uploads no file twice and creates one fine-tune")
    func crashResume() async throws {
        let h = try CartesiaHarness()
        let dataset = try await h.speechDataset("narrator")

        // Process 1 uploads one file, sends the second (stored at Cartesia) and dies before the answer.
        await #expect(throws: CancellationError.self) {
            _ = try await h.trainer(Dies(inner: h.adapter, fake: h.fake, on: .upload(2))).train(name: "narrator", dataset: dataset)
        }
        let id = try #require(try h.store.voices().first?.id)
        let datasetID = try #require(h.fake.datasets.first?.id)
        #expect(try h.store.voice(id).status == .uploading && h.fake.datasets.first?.files.count == 2)

        // Process 2 finds the second file in the dataset, uploads the rest, sends the fine-tune and dies
        // before its answer arrives (the fine-tune exists at Cartesia).
        await #expect(throws: CancellationError.self) {
            _ = try await h.trainer(Dies(inner: try h.makeAdapter(), fake: h.fake, on: .train)).run(id)
        }
        #expect(h.fake.fineTunes.count == 1 && h.fake.calls(.listDatasetFiles) == 1)
        #expect(try h.store.lastAttempt(.train, voice: id)?.outcome == .running)

        // Process 3 looks the fine-tune up instead of paying for another, and follows it to the end.
        let voice = try await h.trainer(try h.makeAdapter()).run(id)

        #expect(voice.status == .done, "\(voice.errorCode ?? ""): \(voice.errorMessage ?? "")")
        #expect(h.fake.fineTunes.count == 1 && h.fake.calls(.createFineTune) == 1 && h.fake.calls(.listFineTunes) >= 1)
        #expect(h.fake.uploads(in: datasetID).count == 4 && h.fake.uploads(in: datasetID).values.allSatisfy { $0 == 1 },
                "\(h.fake.uploads(in: datasetID))")
        #expect(h.fake.calls(.uploadDatasetFile) == 4)
        #expect(h.fake.datasets.count == 1 && voice.modelDataValue.flatMap(Self.voiceID) == h.fake.fineTunes.first?.voiceID)
    }

    static func voiceID(_ data: JSONValue) -> String? {
        guard case let .object(object) = data, case let .string(id)? = object["voice_id"] else { return nil }
        return id
    }
}

/// The adapter in a process that dies: right after the answer of the `n`th upload was lost (the file
/// reached Cartesia), or right after the fine-tune request was sent and its answer lost.
struct Dies: Provider {
    enum Moment: Sendable { case upload(Int), train }

    let inner: CartesiaAdapter
    let fake: FakeCartesia
    let on: Moment
    private let uploads = Locked(0)

    init(inner: CartesiaAdapter, fake: FakeCartesia, on: Moment) {
        self.inner = inner
        self.fake = fake
        self.on = on
    }

    var descriptor: ProviderDescriptor { inner.descriptor }

    func createVoice(_ request: VoiceJobRequest) async throws -> VoiceJobState { try await inner.createVoice(request) }
    func uploadVoiceFile(voiceID: String, file: URL) async throws -> VoiceJobState {
        let count = uploads.withLock { count -> Int in
            count += 1
            return count
        }
        guard case let .upload(n) = on, count == n else { return try await inner.uploadVoiceFile(voiceID: voiceID, file: file) }
        fake.inject(.dropAfterEffect, on: .uploadDatasetFile)
        _ = try? await inner.uploadVoiceFile(voiceID: voiceID, file: file)
        throw CancellationError()
    }
    func trainVoice(voiceID: String) async throws -> VoiceJobState {
        guard case .train = on else { return try await inner.trainVoice(voiceID: voiceID) }
        fake.inject(.dropAfterEffect, on: .createFineTune)
        _ = try? await inner.trainVoice(voiceID: voiceID)
        throw CancellationError()
    }
    func pollVoice(voiceID: String) async throws -> VoiceJobState { try await inner.pollVoice(voiceID: voiceID) }
}
