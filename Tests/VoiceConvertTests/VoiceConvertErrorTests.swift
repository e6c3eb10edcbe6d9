import DubKit
import DubKitTestSupport
import FakeVoiceConvert
import Foundation
import Testing
import VoiceConvertProvider

@Suite("voice-convert errors, parameters and billing")
struct VoiceConvertErrorTests {
    struct BadRequest: Sendable, CustomStringConvertible {
        var voice: String?
        var pitch = 0
        var parameters: [String: JSONValue] = [:]
        var field: String
        var description: String { "\(field): \(parameters) pitch \(pitch)" }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(parameters: ["diffusion_steps": .number(0)], field: "diffusion_steps"),
        BadRequest(parameters: ["diffusion_steps": .number(201)], field: "diffusion_steps"),
        BadRequest(parameters: ["diffusion_steps": .number(2.5)], field: "diffusion_steps"),
        BadRequest(parameters: ["length_adjust": .number(0.4)], field: "length_adjust"),
        BadRequest(parameters: ["length_adjust": .number(2.1)], field: "length_adjust"),
        BadRequest(parameters: ["inference_cfg_rate": .number(1.2)], field: "inference_cfg_rate"),
        BadRequest(parameters: ["auto_f0_adjust": .string("yes")], field: "auto_f0_adjust"),
        BadRequest(parameters: ["pitch_shift": .number(25)], field: "pitch_shift"),
        BadRequest(pitch: -25, field: "pitchShift"),
        BadRequest(parameters: ["return_format": .string("ogg")], field: "return_format"),
        BadRequest(parameters: ["enable_separation": .number(1)], field: "enable_separation"),
        BadRequest(parameters: ["vocals_gain": .number(-1)], field: "vocals_gain"),
        BadRequest(parameters: ["accompaniment_gain": .number(11)], field: "accompaniment_gain"),
        BadRequest(parameters: ["metadata": .string("[1, 2]")], field: "metadata"),
        BadRequest(parameters: ["metadata": .object(["order": .string("1")])], field: "metadata"),
        BadRequest(parameters: ["steps": .number(10)], field: "steps"),
        BadRequest(voice: "", field: "voice"),
        BadRequest(voice: "/no/such/reference.wav", field: "voice"),
    ]

    @Test("values outside the Seed-VC ranges are refused before any request, naming the field", arguments: badRequests)
    func badParameters(_ bad: BadRequest) async throws {
        let h = try VoiceConvertHarness()
        let voice = try bad.voice ?? h.reference().path
        await #expect {
            _ = try await h.adapter.createDub(DubJobRequest(voice: voice, pitchShift: bad.pitch, separate: false,
                                                            parameters: try DubParameters(bad.parameters)))
        } throws: { error in
            guard case let .invalidParameter(provider, field, _, _)? = error as? ProviderError else { return false }
            return provider == "voiceconvert" && field == bad.field
        }
        #expect(h.fake.totalCalls == 0)
    }

    @Test("401 says which key to fix, with the service's code, and never shows the key; no key is caught before sending")
    func unauthorized() async throws {
        let wrong = "sk_wrong_55aa01bc"
        let h = try VoiceConvertHarness(key: wrong)
        let error = try await providerError { _ = try await h.adapter.client.task("abc") }
        guard case let .remote(_, status, code, message) = error else { Issue.record("\(error)"); return }
        #expect(status == 401 && code == "invalid_api_key")
        #expect(message.contains("VOICECONVERT_API_KEY") && !message.contains(wrong))
        #expect(!h.log.current.joined().contains(wrong))

        let none = try VoiceConvertHarness(key: "")
        let missing = try await providerError { _ = try await none.adapter.client.task("abc") }
        #expect(missing == .missingKey(provider: "voiceconvert", variable: "VOICECONVERT_API_KEY"))
        #expect(none.fake.totalCalls == 0)
    }

    @Test("the service's own 400, 404, 429 and 500 become typed errors")
    func serviceErrors() async throws {
        let h = try VoiceConvertHarness()
        let url = h.web.url("/media/x.wav").absoluteString
        var body = VoiceConvertRequest(sourceAudioURL: url, referenceAudioURL: url)
        body.diffusionSteps = 500
        var error = try await providerError { _ = try await h.adapter.client.convert(body) }
        #expect(error.code == "invalid_request" && error.localizedDescription.contains("diffusion_steps"))
        body.diffusionSteps = nil
        body.referenceAudioURL = "ftp://example.invalid/ref.wav"
        error = try await providerError { _ = try await h.adapter.client.convert(body) }
        #expect(error.code == "invalid_request" && error.localizedDescription.contains("reference_audio_url"))
        error = try await providerError { _ = try await h.adapter.client.task("0000-missing") }
        #expect(error.code == "not_found" && error.localizedDescription.contains("dub retry"))
        h.fake.inject(.rateLimited(retryAfterSeconds: 4), on: .getTask)
        error = try await providerError { _ = try await h.adapter.client.task("abc") }
        #expect(error.retryAfter == 4 && error.isTransient)
        h.fake.inject(.serverError, on: .getTask)
        error = try await providerError { _ = try await h.adapter.client.task("abc") }
        #expect(error.isTransient && error.code == "server_error")
        #expect(h.fake.tasks.isEmpty)
    }

    @Test("billing: 2 credits a second of output, rounded up, at least 1 s (the seed's examples)")
    func billing() {
        let billing = VoiceConvertDescriptor.value.billing
        #expect(billing.credits(forSeconds: 30) == 60)
        #expect(billing.credits(forSeconds: 12.4) == 26)
        #expect(billing.credits(forSeconds: 0.2) == 2)
    }

    @Test("the key is never in the store, the state folder, the published files or the log")
    func keyStaysSecret() async throws {
        let h = try VoiceConvertHarness()
        let dub = try await h.run(try h.fileDub(try h.tone("talk.wav"), voice: try h.reference().path))
        #expect(dub.status == .done)
        let files = FileManager.default.enumerator(at: h.dir.url, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            let data = (try? Data(contentsOf: file)) ?? Data()
            #expect(data.range(of: Data(VoiceConvertHarness.key.utf8)) == nil, "\(file.path)")
        }
        #expect(!h.log.current.joined(separator: "\n").contains(VoiceConvertHarness.key))
        #expect(h.fake.requests.contains { $0.header("Authorization") == "Bearer \(VoiceConvertHarness.key)" })
    }

    private func providerError(_ body: () async throws -> Void) async throws -> ProviderError {
        do {
            try await body()
        } catch let error as ProviderError {
            return error
        } catch let error as VoiceConvertError {
            return error.providerError
        }
        throw MissingValue(what: "an error")
    }
}
