import DubKit
import DubKitHTTP
import DubKitTestSupport
import FakeKits
import Foundation
import KitsProvider
import Testing

@Suite("Kits.ai errors and parameters")
struct KitsErrorTests {
    struct BadRequest: Sendable, CustomStringConvertible {
        var voice = "1"
        var pitch = 0
        var separate = false
        var parameters: [String: JSONValue] = [:]
        var field: String
        var description: String { "\(field): \(parameters) pitch \(pitch) voice \(voice)" }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(parameters: ["conversionStrength": .number(1.5)], field: "conversionStrength"),
        BadRequest(parameters: ["conversionStrength": .string("high")], field: "conversionStrength"),
        BadRequest(parameters: ["modelVolumeMix": .number(-0.1)], field: "modelVolumeMix"),
        BadRequest(parameters: ["pitchShift": .number(25)], field: "pitchShift"),
        BadRequest(parameters: ["pitchShift": .number(2.5)], field: "pitchShift"),
        BadRequest(pitch: -30, field: "pitchShift"),
        BadRequest(parameters: ["pre.NoiseGate.threshold_db": .number(10)], field: "pre.NoiseGate.threshold_db"),
        BadRequest(parameters: ["post.Reverb.room_size": .number(2)], field: "post.Reverb.room_size"),
        BadRequest(parameters: ["pre.Reverb.room_size": .number(0.5)], field: "pre.Reverb.room_size"),
        BadRequest(parameters: ["strength": .number(0.5)], field: "strength"),
        BadRequest(voice: "aria", field: "voice"),
        BadRequest(voice: "-4", field: "voice"),
        BadRequest(separate: true, field: "separate"),
    ]

    @Test("values Kits would refuse are refused before any request, naming the field", arguments: badRequests)
    func badParameters(_ bad: BadRequest) async throws {
        let h = try KitsHarness()
        await #expect {
            _ = try await h.adapter.createDub(DubJobRequest(voice: bad.voice, pitchShift: bad.pitch, separate: bad.separate,
                                                            parameters: try DubParameters(bad.parameters)))
        } throws: { error in
            guard case let .invalidParameter(provider, field, _, allowed)? = error as? ProviderError else { return false }
            return provider == "kits" && field == bad.field && !allowed.isEmpty
        }
        // The descriptor says the same to `dub create`, before the dub is stored.
        if bad.field != "voice" && bad.field != "separate" {
            #expect(throws: ProviderError.self) {
                try KitsDescriptor.value.validate(pitchShift: bad.pitch, parameters: try DubParameters(bad.parameters))
            }
        }
        #expect(h.fake.totalCalls == 0)
    }

    @Test("401 names the variable to fix and never shows the key")
    func unauthorized() async throws {
        let wrong = "kits-wrong-7d1f0e22aa"
        let h = try KitsHarness(key: wrong)
        let error = try await providerError { _ = try await h.adapter.voices(VoiceQuery()) }
        guard case let .remote(_, status, code, message) = error else { Issue.record("\(error)"); return }
        #expect(status == 401 && code == "unauthorized")
        #expect(message.contains("KITS_API_KEY"))
        #expect(!message.contains(wrong) && !(error.localizedDescription.contains(wrong)))
        #expect(!h.log.current.joined().contains(wrong))
        #expect(h.log.current.contains { $0.contains("Authorization") })
    }

    @Test("no key at all is a missing-key error before any request")
    func missingKey() async throws {
        let h = try KitsHarness(key: "")
        let error = try await providerError { _ = try await h.adapter.voices(VoiceQuery()) }
        #expect(error == .missingKey(provider: "kits", variable: "KITS_API_KEY"))
        #expect(h.fake.totalCalls == 0)
    }

    @Test("403, 404, 422, 429 and 500 from the conversion POST become typed errors")
    func documentedErrors() async throws {
        let h = try KitsHarness()
        let sound = try h.tone("a.wav")

        // 403: a voice model the account may not use (every 7th of the fake's catalogue).
        var error = try await providerError { _ = try await h.adapter.client.createConversion(soundFile: sound, fields: [("voiceModelId", "7")]) }
        #expect(error.code == "forbidden" && !error.isTransient)
        // 404: no such voice model.
        error = try await providerError { _ = try await h.adapter.client.createConversion(soundFile: sound, fields: [("voiceModelId", "9999")]) }
        #expect(error.code == "not_found")
        #expect(error.localizedDescription.contains("voice list --provider kits"))
        // 422: a field out of range (sent past the adapter's own checks), named in the message.
        error = try await providerError {
            _ = try await h.adapter.client.createConversion(soundFile: sound, fields: [("voiceModelId", "1"), ("conversionStrength", "2")])
        }
        #expect(error.code == "unprocessable_entity")
        #expect(error.localizedDescription.contains("conversionStrength"), "\(error.localizedDescription)")
        // 422: a sound file that is no wav, mp3 or flac.
        let text = h.dir.path("notes.wav")
        try Data("just some text, not audio".utf8).write(to: text)
        error = try await providerError { _ = try await h.adapter.client.createConversion(soundFile: text, fields: [("voiceModelId", "1")]) }
        #expect(error.code == "unprocessable_entity" && error.localizedDescription.contains("soundFile"))
        // 429 with Retry-After.
        h.fake.inject(.rateLimited(retryAfterSeconds: 7), on: .createConversion)
        error = try await providerError { _ = try await h.adapter.client.createConversion(soundFile: sound, fields: [("voiceModelId", "1")]) }
        #expect(error.retryAfter == 7 && error.isTransient && error.code == "rate_limited")
        // 500: transient, worth another try.
        h.fake.inject(.serverError, on: .getConversion)
        error = try await providerError { _ = try await h.adapter.client.conversion(1) }
        #expect(error.isTransient)
        #expect(h.fake.conversionIDs.isEmpty)
    }

    @Test("the key is never in the store, the state folder or the messages of a full dub")
    func keyStaysSecret() async throws {
        let h = try KitsHarness()
        h.fake.inject(.serverError, on: .getConversion)
        let dub = try await h.run(try h.fileDub(try h.tone("a.wav")))
        #expect(dub.status == .done)
        let files = FileManager.default.enumerator(at: h.dir.path("ws"), includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        for file in files where (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let data = (try? Data(contentsOf: file)) ?? Data()
            #expect(data.range(of: Data(KitsHarness.key.utf8)) == nil, "\(file.path)")
        }
        #expect(!h.log.current.joined(separator: "\n").contains(KitsHarness.key))
        // The fake did get it.
        #expect(h.fake.requests.contains { $0.header("Authorization") == "Bearer \(KitsHarness.key)" })
    }

    private func providerError(_ body: () async throws -> Void) async throws -> ProviderError {
        do {
            try await body()
        } catch let error as ProviderError {
            return error
        } catch let error as KitsError {
            return error.providerError
        }
        throw MissingValue(what: "an error")
    }
}
