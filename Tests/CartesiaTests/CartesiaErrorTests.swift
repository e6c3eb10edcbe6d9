import CartesiaProvider
import DubKit
import DubKitHTTP
import DubKitTestSupport
import FakeCartesia
import Foundation
import Testing

@Suite("Cartesia errors and parameters")
struct CartesiaErrorTests {
    struct BadRequest: Sendable, CustomStringConvertible {
        var voice = "0027e8b3-a1b2-4c3d-8e4f-000000000003"
        var pitch = 0
        var separate = false
        var parameters: [String: JSONValue] = [:]
        var field: String
        /// Whether `dub create` (the descriptor alone) refuses it too; the rules between fields are the adapter's.
        var descriptorRefuses = true
        var description: String { "\(field): \(parameters) pitch \(pitch) voice \(voice)" }
    }

    static let badRequests: [BadRequest] = [
        // The seed's container rules.
        BadRequest(parameters: ["container": .string("wav")], field: "encoding", descriptorRefuses: false),
        BadRequest(parameters: ["container": .string("raw"), "sample_rate": .number(16_000)], field: "encoding", descriptorRefuses: false),
        BadRequest(parameters: ["container": .string("mp3")], field: "bit_rate", descriptorRefuses: false),
        BadRequest(parameters: ["container": .string("mp3"), "bit_rate": .number(128_000), "encoding": .string("pcm_s16le")],
                   field: "encoding", descriptorRefuses: false),
        BadRequest(parameters: ["container": .string("wav"), "encoding": .string("pcm_s16le"), "bit_rate": .number(128_000)],
                   field: "bit_rate", descriptorRefuses: false),
        BadRequest(parameters: ["stream": .bool(true), "container": .string("wav"), "encoding": .string("pcm_s16le")],
                   field: "container", descriptorRefuses: false),
        BadRequest(parameters: ["stream": .bool(true), "container": .string("mp3"), "bit_rate": .number(64_000)],
                   field: "container", descriptorRefuses: false),
        // Values out of their ranges.
        BadRequest(parameters: ["sample_rate": .number(12_345)], field: "sample_rate", descriptorRefuses: false),
        BadRequest(parameters: ["sample_rate": .number(96_000)], field: "sample_rate"),
        BadRequest(parameters: ["sample_rate": .number(22_050.5)], field: "sample_rate"),
        BadRequest(parameters: ["container": .string("mp3"), "bit_rate": .number(100_000)], field: "bit_rate", descriptorRefuses: false),
        BadRequest(parameters: ["container": .string("mp3"), "bit_rate": .number(320_000)], field: "bit_rate"),
        BadRequest(parameters: ["container": .string("flac")], field: "container"),
        BadRequest(parameters: ["encoding": .string("pcm_u8")], field: "encoding"),
        BadRequest(parameters: ["stream": .string("yes")], field: "stream"),
        BadRequest(parameters: ["speed": .number(1.1)], field: "speed"),
        BadRequest(pitch: 2, field: "pitchShift"),
        BadRequest(voice: "../voices", field: "voice", descriptorRefuses: false),
        BadRequest(separate: true, field: "separate", descriptorRefuses: false),
    ]

    @Test("values and combinations Cartesia would refuse are refused before any request, naming the field", arguments: badRequests)
    func badParameters(_ bad: BadRequest) async throws {
        let h = try CartesiaHarness()
        await #expect {
            _ = try await h.adapter.createDub(DubJobRequest(voice: bad.voice, pitchShift: bad.pitch, separate: bad.separate,
                                                            parameters: try DubParameters(bad.parameters)))
        } throws: { error in
            guard case let .invalidParameter(provider, field, _, allowed)? = error as? ProviderError else { return false }
            return provider == "cartesia" && field == bad.field && !allowed.isEmpty
        }
        let descriptor = CartesiaDescriptor.value
        if bad.descriptorRefuses {
            #expect(throws: ProviderError.self) { try descriptor.validate(pitchShift: bad.pitch, parameters: try DubParameters(bad.parameters)) }
        }
        #expect(h.fake.totalCalls == 0)
    }

    @Test("a dub run with a container rule broken ends in error naming the rule, with no request sent")
    func containerRuleInWorkflow() async throws {
        let h = try CartesiaHarness()
        let dub = try await h.run(try h.fileDub(try h.tone("a.wav"), parameters: ["container": .string("raw")]))
        #expect(dub.status == .error && dub.errorCode == "invalid_parameter")
        #expect(dub.errorMessage?.contains("Cartesia requires output_format[encoding] for the raw container") == true, "\(dub.errorMessage ?? "")")
        #expect(h.fake.totalCalls == 0)
    }

    struct Failure: Sendable, CustomStringConvertible {
        var fault: FakeCartesia.Fault
        var style = FakeCartesia.ErrorStyle.json
        /// The code the dub ends with, nil when the failure is retried and the dub finishes.
        var code: String?
        /// Words the message must hold (Cartesia's own, and what to do).
        var words: [String]
        var description: String { "\(fault) \(style)" }
    }

    static let failures: [Failure] = [
        Failure(fault: .unauthorized, code: "invalid_api_key", words: ["The API key is not valid.", "CARTESIA_API_KEY", "request id req_"]),
        Failure(fault: .unauthorized, style: .plainText, code: "unauthorized", words: ["The API key is not valid.", "CARTESIA_API_KEY"]),
        Failure(fault: .quotaExceeded, code: "insufficient_credits", words: ["credits left", "15 characters a second", "play.cartesia.ai"]),
        Failure(fault: .quotaExceeded, style: .plainText, code: "payment_required", words: ["credits left", "top up"]),
        Failure(fault: .unprocessable(field: "clip", message: "clip is too long."), code: "invalid_request",
                words: ["Invalid clip: clip is too long.", "fix the field"]),
        Failure(fault: .unprocessable(field: "clip", message: "clip is too long."), style: .plainText, code: "unprocessable_entity",
                words: ["clip is too long.", "fix the field"]),
        Failure(fault: .concurrencyLimited(retryAfterSeconds: 1), code: nil, words: []),
        Failure(fault: .serverError, code: nil, words: []),
        // Sent whole and never answered: it may have been carried out, and nothing is sent again unasked.
        Failure(fault: .dropConnection, code: "outcome_unknown", words: ["may have been charged", "--allow-repay"]),
    ]

    @Test("each documented error becomes a typed error with Cartesia's code, its message and what to do; 429 and 5xx are retried, a lost answer is not",
          arguments: failures)
    func documentedErrors(_ failure: Failure) async throws {
        let h = try CartesiaHarness(options: .init(errorStyle: failure.style))
        h.fake.inject(failure.fault, on: .changeVoiceBytes)
        let notes = Locked<[String]>([])
        let started = Date()

        let dub = try await h.run(try h.fileDub(try h.tone("a.wav")), report: { line in notes.withLock { $0.append(line) } })

        if let code = failure.code {
            #expect(dub.status == .error && dub.errorCode == code, "\(dub.errorCode ?? "")")
            let message = dub.errorMessage ?? ""
            for word in failure.words { #expect(message.contains(word), "\(word) not in: \(message)") }
            #expect(h.fake.calls(.changeVoiceBytes) == 1) // not retried: it would fail the same way, or be paid twice
        } else {
            #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
            #expect(h.fake.calls(.changeVoiceBytes) == 2 && h.fake.conversions.count == 1)
            #expect(!notes.current.isEmpty)
            if case .concurrencyLimited = failure.fault {
                #expect(Date().timeIntervalSince(started) >= 1) // Retry-After was honoured
                #expect(notes.current.joined().contains("429 concurrency_limited"), "\(notes.current)")
            }
        }
        #expect(!h.log.current.joined().contains(CartesiaHarness.key))
        #expect(!(dub.errorMessage ?? "").contains(CartesiaHarness.key))
    }

    @Test("an unknown voice is 404 voice_not_found, with how to find one; a wrong key never shows and is masked in the log")
    func unknownVoiceAndWrongKey() async throws {
        let h = try CartesiaHarness()
        let missing = try await h.run(try h.fileDub(try h.tone("a.wav"), voice: "00000000-0000-4000-8000-00000000dead"))
        #expect(missing.status == .error && missing.errorCode == "voice_not_found")
        #expect(missing.errorMessage?.contains("voice list --provider cartesia") == true, "\(missing.errorMessage ?? "")")

        let wrong = "sk_car_wrong_77ac01d9e3"
        let w = try CartesiaHarness(key: wrong)
        let dub = try await w.run(try w.fileDub(try w.tone("a.wav")))
        #expect(dub.status == .error && dub.errorCode == "invalid_api_key")
        #expect(!(dub.errorMessage ?? "").contains(wrong) && !w.log.current.joined().contains(wrong))
        #expect(w.log.current.contains { $0.lowercased().contains("authorization: ***") }, "\(w.log.current)")
        #expect(w.log.current.contains { $0.contains("Cartesia-Version: 2025-04-16") })
    }

    @Test("no key at all is a missing-key error before any request")
    func missingKey() async throws {
        let h = try CartesiaHarness(key: "")
        await #expect {
            _ = try await h.adapter.voices(VoiceQuery())
        } throws: { error in
            (error as? ProviderError) == .missingKey(provider: "cartesia", variable: "CARTESIA_API_KEY")
        }
        #expect(h.fake.totalCalls == 0)
    }

    @Test("the fake refuses what Cartesia refuses: no key, no or an unknown version, a form without its required fields")
    func fakeChecksEveryRequest() async throws {
        let fake = try FakeCartesia(options: .init(apiKey: "sk_car_fake"))
        let http = try HTTPClient(configuration: HTTPClient.Configuration(retryPolicy: .never))
        func get(_ headers: [(String, String)]) async throws -> HTTPResponse {
            var all = HTTPHeaders()
            for (name, value) in headers { all.set(name, value) }
            return try await http.exchange(HTTPRequest(.get, fake.baseURL.appendingPathComponent("voices"), headers: all))
        }
        #expect(try await get([("Cartesia-Version", "2025-04-16")]).status == 401)
        #expect(try await get([("Authorization", "Bearer sk_car_fake")]).status == 400)
        let old = try await get([("Authorization", "Bearer sk_car_fake"), ("Cartesia-Version", "2023-01-01")])
        #expect(old.status == 400 && old.text.contains("invalid_version"))
        #expect(try await get([("Authorization", "Bearer sk_car_fake"), ("Cartesia-Version", "2025-04-16")]).status == 200)

        var headers = HTTPHeaders()
        headers.set("Authorization", "Bearer sk_car_fake")
        headers.set("Cartesia-Version", "2025-04-16")
        let dir = try TemporaryDirectory("fake-cartesia-check")
        let clip = dir.path("a.wav")
        try Fixtures.tone(clip, seconds: 0.5)
        let forms: [([MultipartPart], String)] = [
            ([.text("voice[id]", fake.library[0].id), .text("output_format[container]", "wav"), .text("output_format[sample_rate]", "16000"),
              .text("output_format[encoding]", "pcm_s16le")], "clip"),
            ([.file("clip", clip), .text("voice[id]", fake.library[0].id), .text("output_format[container]", "wav"),
              .text("output_format[sample_rate]", "16000")], "output_format[encoding]"),
            ([.file("clip", clip), .text("voice[id]", fake.library[0].id), .text("output_format[container]", "mp3"),
              .text("output_format[sample_rate]", "16000")], "output_format[bit_rate]"),
            ([.file("clip", clip), .text("voice[id]", fake.library[0].id), .text("output_format[container]", "wav"),
              .text("output_format[sample_rate]", "11025"), .text("output_format[encoding]", "pcm_s16le")], "output_format[sample_rate]"),
        ]
        for (parts, field) in forms {
            let answer = try await http.exchange(HTTPRequest(.post, fake.baseURL.appendingPathComponent("voice-changer/bytes"),
                                                             headers: headers, body: .multipart(parts)))
            #expect(answer.status == 422 && answer.text.contains(field), "\(field): \(answer.status) \(answer.text)")
        }
        #expect(fake.conversions.isEmpty && fake.creditsUsed == 0)
    }
}
