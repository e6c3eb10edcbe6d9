import DubKit
import DubKitHTTP
import DubKitTestSupport
import ElevenLabsProvider
import FakeElevenLabs
import Foundation
import Testing

@Suite("ElevenLabs errors and parameters")
struct ElevenLabsErrorTests {
    struct BadRequest: Sendable, CustomStringConvertible {
        var voice = "fv000000000000000003"
        var pitch = 0
        var separate = false
        var parameters: [String: JSONValue] = [:]
        var field: String
        var description: String { "\(field): \(parameters) pitch \(pitch) voice \(voice)" }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(parameters: ["stability": .number(1.5)], field: "stability"),
        BadRequest(parameters: ["similarity_boost": .number(-0.1)], field: "similarity_boost"),
        BadRequest(parameters: ["style": .string("loud")], field: "style"),
        BadRequest(parameters: ["speed": .number(1.3)], field: "speed"),
        BadRequest(parameters: ["speed": .number(0.5)], field: "speed"),
        BadRequest(parameters: ["use_speaker_boost": .string("yes")], field: "use_speaker_boost"),
        BadRequest(parameters: ["seed": .number(4_294_967_296)], field: "seed"),
        BadRequest(parameters: ["seed": .number(-1)], field: "seed"),
        BadRequest(parameters: ["seed": .number(1.5)], field: "seed"),
        BadRequest(parameters: ["optimize_streaming_latency": .number(5)], field: "optimize_streaming_latency"),
        BadRequest(parameters: ["output_format": .string("mp3_22050_32")], field: "output_format"),
        BadRequest(parameters: ["output_format": .string("opus_48000_64")], field: "output_format"),
        BadRequest(parameters: ["file_format": .string("wav")], field: "file_format"),
        BadRequest(parameters: ["remove_background_noise": .number(1)], field: "remove_background_noise"),
        BadRequest(parameters: ["enable_logging": .string("no")], field: "enable_logging"),
        BadRequest(parameters: ["stream": .string("on")], field: "stream"),
        BadRequest(parameters: ["model_id": .string("bad model!")], field: "model_id"),
        BadRequest(parameters: ["voice_settings": .string("{}")], field: "voice_settings"),
        BadRequest(pitch: 3, field: "pitchShift"),
        BadRequest(voice: "../v1/models", field: "voice"),
        BadRequest(separate: true, field: "separate"),
    ]

    @Test("values ElevenLabs would refuse are refused before any request, naming the field", arguments: badRequests)
    func badParameters(_ bad: BadRequest) async throws {
        let h = try ElevenLabsHarness()
        await #expect {
            _ = try await h.adapter.createDub(DubJobRequest(voice: bad.voice, pitchShift: bad.pitch, separate: bad.separate,
                                                            parameters: try DubParameters(bad.parameters)))
        } throws: { error in
            guard case let .invalidParameter(provider, field, _, allowed)? = error as? ProviderError else { return false }
            return provider == "elevenlabs" && field == bad.field && !allowed.isEmpty
        }
        // The descriptor says the same to `dub create`, before the dub is stored.
        if !["voice", "separate", "model_id"].contains(bad.field) {
            #expect(throws: ProviderError.self) {
                try ElevenLabsDescriptor.value.validate(pitchShift: bad.pitch, parameters: try DubParameters(bad.parameters))
            }
        }
        #expect(h.fake.totalCalls == 0)
    }

    @Test("a model that cannot do voice conversion is refused by name before any paid request; a dub with it ends so")
    func modelWithoutVoiceConversion() async throws {
        let h = try ElevenLabsHarness()
        let dub = try await h.run(try h.fileDub(try h.tone("a.wav"), parameters: ["model_id": .string("eleven_multilingual_v2")]))
        #expect(dub.status == .error && dub.errorCode == "invalid_parameter")
        let message = dub.errorMessage ?? ""
        #expect(message.contains("eleven_multilingual_v2") && message.contains("can_do_voice_conversion"), "\(message)")
        #expect(message.contains("eleven_english_sts_v2") && message.contains("eleven_multilingual_sts_v2"))
        #expect(h.fake.calls(.listModels) == 1 && h.fake.calls(.convert) == 0 && h.fake.charactersUsed == 0)

        let unknown = try await providerError {
            _ = try await h.adapter.createDub(DubJobRequest(voice: h.voice, pitchShift: 0, separate: false,
                                                            parameters: try DubParameters(["model_id": .string("eleven_v9")])))
        }
        #expect(unknown.localizedDescription.contains("eleven_v9") && unknown.localizedDescription.contains("account's models"))
        #expect(h.fake.calls(.convert) == 0)
    }

    @Test("an input over 5 minutes is sent as chunks of at most 300 s, each converted once, and joined")
    func tooLong() async throws {
        let h = try ElevenLabsHarness()
        let dub = try await h.run(try h.fileDub(try h.tone("long.wav", seconds: 301, rate: 8000)))
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(dub.chunkCount == 2)
        #expect(h.fake.conversions.count == 2 && h.fake.conversions.allSatisfy { $0.inputSeconds <= 300 },
                "\(h.fake.conversions.map(\.inputSeconds))")
        // Billed chunk by chunk, for the exact length of each: the 40 ms overlap is all that is added.
        #expect(dub.creditsUsed == h.fake.conversions.map(\.charged).reduce(0, +) && (5017...5020).contains(dub.creditsUsed),
                "\(dub.creditsUsed)")
    }

    @Test("401 invalid_api_key names the variable to fix and never shows the key")
    func invalidKey() async throws {
        let wrong = "xi-wrong-77ac01d9e3"
        let h = try ElevenLabsHarness(key: wrong)
        let dub = try await h.run(try h.fileDub(try h.tone("a.wav")))
        #expect(dub.status == .error && dub.errorCode == "invalid_api_key")
        let message = dub.errorMessage ?? ""
        #expect(message.contains("ELEVENLABS_API_KEY") && message.contains("Invalid API key"), "\(message)")
        #expect(!message.contains(wrong))
        #expect(!h.log.current.joined().contains(wrong))
        #expect(h.log.current.contains { $0.lowercased().contains("xi-api-key: ***") })
        #expect(h.fake.calls(.convert) == 1) // not retried: a wrong key stays wrong
    }

    @Test("no key at all is a missing-key error before any request")
    func missingKey() async throws {
        let h = try ElevenLabsHarness(key: "")
        let error = try await providerError { _ = try await h.adapter.voices(VoiceQuery()) }
        #expect(error == .missingKey(provider: "elevenlabs", variable: "ELEVENLABS_API_KEY"))
        #expect(h.fake.totalCalls == 0)
    }

    @Test("quota_exceeded (a 401 too) is told apart from a wrong key, with the plan's numbers and what to do")
    func quotaExceeded() async throws {
        let h = try ElevenLabsHarness(options: .init(characterLimit: 10_000, charactersUsed: 9_990))
        let dub = try await h.run(try h.fileDub(try h.tone("a.wav", seconds: 2)))
        #expect(dub.status == .error && dub.errorCode == "quota_exceeded")
        let message = dub.errorMessage ?? ""
        #expect(message.contains("You have 10 credits remaining, while 34 credits are required"), "\(message)")
        #expect(message.contains("1,000 characters a minute") && !message.contains("ELEVENLABS_API_KEY"))
        #expect(h.fake.conversions.isEmpty && h.fake.charactersUsed == 9_990)
        #expect(try await h.adapter.account().credits == 10)
    }

    @Test("voice_not_found, 422 and the 429s and 500 become typed errors with ElevenLabs's status and message")
    func documentedErrors() async throws {
        let h = try ElevenLabsHarness()
        let audio = try h.tone("a.wav")
        let plain = try ElevenLabsConversion(voiceID: h.voice, parameters: .empty)
        func send(_ conversion: ElevenLabsConversion) async throws -> ProviderError {
            try await providerError {
                _ = try await h.adapter.client.convert(conversion, audio: audio, contentType: "audio/wav", to: h.dir.path("out.part"))
            }
        }

        // voice_not_found (404), with the hint to list voices.
        var error = try await send(try ElevenLabsConversion(voiceID: "nosuchvoice", parameters: .empty))
        guard case let .remote(_, status, code, message) = error else { Issue.record("\(error)"); return }
        #expect(status == 404 && code == "voice_not_found" && !error.isTransient)
        #expect(message.contains("nosuchvoice was not found") && message.contains("voice list --provider elevenlabs"))
        // 422 from FastAPI: the field and its message, as the service sent them (a value past the adapter's checks).
        var settings = plain
        settings.voiceSettings = #"{"speed":2}"#
        error = try await send(settings)
        #expect(error.code == "unprocessable_entity" && !error.isTransient)
        #expect(error.localizedDescription.contains("voice_settings.speed: Input should be a number from 0.7 to 1.2"),
                "\(error.localizedDescription)")
        h.fake.inject(.unprocessable(field: "audio", message: "Audio file is too short"), on: .convert)
        error = try await send(plain)
        #expect(error.localizedDescription.contains("audio: Audio file is too short"))
        // 429 too_many_concurrent_requests and system_busy: transient, with Retry-After when sent.
        h.fake.inject(.tooManyConcurrentRequests(retryAfterSeconds: 4), on: .convert)
        error = try await send(plain)
        #expect(error.code == "rate_limited" && error.isTransient && error.retryAfter == 4)
        #expect(error.localizedDescription.contains("too_many_concurrent_requests") && error.localizedDescription.contains("--jobs"))
        h.fake.inject(.systemBusy(retryAfterSeconds: nil), on: .convert)
        error = try await send(plain)
        #expect(error.isTransient && error.retryAfter == nil && error.localizedDescription.contains("system_busy"))
        // 500: transient.
        h.fake.inject(.serverError, on: .convert)
        error = try await send(plain)
        #expect(error.code == "server_error" && error.isTransient)
        // A 401 injected on a read: the same typed error as on the POST.
        h.fake.inject(.invalidAPIKey, on: .listModels)
        error = try await providerError { _ = try await h.adapter.models() }
        #expect(error.code == "invalid_api_key" && error.localizedDescription.contains("ELEVENLABS_API_KEY"))
        #expect(h.fake.conversions.isEmpty && h.fake.charactersUsed == 0)
    }

    @Test("a 500 and a system_busy on the conversion are retried by the workflow; the dub still ends done")
    func transientFaults() async throws {
        let h = try ElevenLabsHarness()
        h.fake.inject(.serverError, on: .convert)
        h.fake.inject(.systemBusy(retryAfterSeconds: nil), on: .convert)
        let dub = try await h.run(try h.fileDub(try h.tone("a.wav")))
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        #expect(h.fake.calls(.convert) == 3 && h.fake.conversions.count == 1)
    }

    @Test("the key is never in the store, the state folder or the log of a full dub")
    func keyStaysSecret() async throws {
        let h = try ElevenLabsHarness()
        h.fake.inject(.serverError, on: .convert)
        let dub = try await h.run(try h.fileDub(try h.tone("a.wav"), parameters: ["model_id": .string("eleven_english_sts_v2")]))
        #expect(dub.status == .done)
        let files = FileManager.default.enumerator(at: h.dir.path("ws"), includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        for file in files where (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let data = (try? Data(contentsOf: file)) ?? Data()
            #expect(data.range(of: Data(ElevenLabsHarness.key.utf8)) == nil, "\(file.path)")
        }
        #expect(!h.log.current.joined(separator: "\n").contains(ElevenLabsHarness.key))
        #expect(h.fake.requests.contains { $0.header("xi-api-key") == ElevenLabsHarness.key })
    }

    private func providerError(_ body: () async throws -> Void) async throws -> ProviderError {
        do {
            try await body()
        } catch let error as ProviderError {
            return error
        } catch let error as ElevenLabsError {
            return error.providerError
        }
        throw MissingValue(what: "an error")
    }
}
