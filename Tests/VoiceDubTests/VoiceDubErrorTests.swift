import DubKit
import DubKitHTTP
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
import VoiceDubProvider

/// Each error body of the spec, and 401/429/5xx, as the typed error a user reads.
@Suite("VoiceDub error bodies become typed errors")
struct VoiceDubErrorTests {
    /// What each case must say: the provider's code and a hint of what to do.
    struct Case: Sendable, CustomStringConvertible {
        var code: String
        var status: Int
        var advice: String
        /// The text of the fake's own `message` (VoiceDub's words), which must reach the user.
        var message: String
        var description: String { code }
    }

    static let cases: [Case] = [
        Case(code: "invalid_arguments", status: 400, advice: "pitch -24...24", message: "Invalid arguments"),
        Case(code: "not_found", status: 404, advice: "create it again", message: "Dub not found"),
        Case(code: "voice_not_found", status: 400, advice: "voice list --provider voicedub", message: "Voice not found"),
        Case(code: "dub_is_not_new", status: 400, advice: "continue from where it stands", message: "Dub is not in new status"),
        Case(code: "dub_is_not_in_preprocessed_state", status: 400, advice: "finished preprocess",
             message: "Dub is not in preprocessed state"),
        Case(code: "voice_is_not_new", status: 400, advice: "follow it instead of starting it", message: "Voice is not in new status"),
        Case(code: "unauthorized", status: 401, advice: "VOICEDUB_API_KEY", message: "Invalid or missing API key"),
        Case(code: "not_enough_credits", status: 403, advice: "Buy credits", message: "Not enough API credits: 10 required, 0 left"),
        Case(code: "rate_limit_exceeded", status: 429, advice: "wait a minute", message: "Rate limit exceeded"),
        Case(code: "internal_error", status: 500, advice: "try again later", message: "Internal server error"),
    ]

    @Test("each error body", arguments: cases)
    func errorBody(_ expected: Case) async throws {
        let h = try VoiceDubHarness()
        let error = try await Self.provoke(expected.code, h)
        #expect(error.code == expected.code)
        #expect(error.status == expected.status)
        #expect(error.advice.contains(expected.advice), "\(error.advice)")
        #expect(error.summary.contains("/v1/"), "the message names the request: \(error.summary)")
        // The core records the code and a message that carries the advice, and knows what may be retried.
        let core = error.providerError
        #expect(core.localizedDescription.contains(expected.code))
        #expect(core.localizedDescription.contains(expected.advice))
        // VoiceDub's own words reach the user, not only DubKit's.
        #expect(error.summary.contains(expected.message), "\(error.summary)")
        #expect(core.localizedDescription.contains(expected.message), "\(core.localizedDescription)")
        #expect(core.isTransient == [429, 500].contains(expected.status))
        if case let .remote(provider, status, code, _) = core {
            #expect(provider == "voicedub" && status == expected.status && code == expected.code)
        } else {
            #expect(expected.code == "rate_limit_exceeded", "\(core)")
        }
        #expect(!core.localizedDescription.contains(VoiceDubHarness.key) && !error.summary.contains(VoiceDubHarness.key))
    }

    @Test("invalid_arguments names the refused field")
    func invalidArgumentsNamesTheField() async throws {
        let h = try VoiceDubHarness()
        let error = try await Self.provoke("invalid_arguments", h)
        guard case let .invalidArguments(_, _, details) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(details?.contains("pitchShift") == true, "\(details ?? "nil")")
    }

    @Test("a 429's Retry-After is waited out, also for a POST, and the request then succeeds")
    func retryAfterHonoured() async throws {
        let h = try VoiceDubHarness()
        h.fake.inject(.rateLimited(retryAfterSeconds: 1), on: .createDub)
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1))
        // The core waits and tries again: the adapter sends each request once.
        let started = ContinuousClock.now
        let dub = try await h.run(id)
        #expect(ContinuousClock.now - started >= .seconds(1))
        #expect(dub.status == .done, "\(dub.errorCode ?? ""): \(dub.errorMessage ?? "")")
        let times = h.fake.callTimes(.createDub)
        #expect(times.count == 2)
        if times.count == 2 { #expect(times[1] - times[0] >= .milliseconds(990)) }
        #expect(h.fake.dubIDs == [try #require(dub.providerJobID)])
    }

    @Test("a wrong key ends in unauthorized, and the key is never in the message")
    func unauthorizedThroughTheAdapter() async throws {
        let h = try VoiceDubHarness(key: "vdk-wrong-0000")
        await #expect {
            _ = try await h.adapter.account()
        } throws: { error in
            guard case let .remote(_, 401?, "unauthorized", message)? = error as? ProviderError else { return false }
            return message.contains("VOICEDUB_API_KEY") && !message.contains("vdk-wrong-0000")
                && !"\(error)".contains("vdk-wrong-0000")
        }
        #expect(h.fake.calls(.getMe) == 1) // a 401 is not retried
    }

    @Test("a missing key is reported as such before any request")
    func missingKey() async throws {
        let fake = try FakeVoiceDub()
        let dir = try TemporaryDirectory()
        let adapter = try VoiceDubAdapter(stateFolder: dir.path("state"), environment: [
            "VOICEDUB_BASE_URL": fake.baseURL.absoluteString, "DUBKIT_CONFIG_DIR": dir.path("config").path,
        ])
        await #expect(throws: ProviderError.missingKey(provider: "voicedub", variable: "VOICEDUB_API_KEY")) {
            _ = try await adapter.account()
        }
        #expect(fake.calls(.getMe) == 0)
    }

    /// Makes the fake answer with `code` through the client, and returns the typed error.
    static func provoke(_ code: String, _ h: VoiceDubHarness) async throws -> VoiceDubError {
        let client = h.adapter.client
        let voice = h.publicVoice
        let unknown = "0b7c2f5e-0000-4000-8000-000000000000"
        func upload() async throws -> String {
            let created = try await client.createDub(.init(voiceId: voice, link: nil, pitchShift: 0, separate: false))
            try await client.upload(try h.tone("in-\(UUID().uuidString).wav", seconds: 1), to: try require(created.uploadUrl),
                                    contentType: "audio/wav")
            return created.dub.id
        }
        do {
            switch code {
            case "invalid_arguments":
                _ = try await client.createDub(.init(voiceId: voice, link: nil, pitchShift: 30, separate: false))
            case "not_found":
                _ = try await client.dub(unknown)
            case "voice_not_found":
                _ = try await client.createDub(.init(voiceId: unknown, link: nil, pitchShift: 0, separate: false))
            case "dub_is_not_new":
                let id = try await upload()
                _ = try await client.preprocess(dubID: id)
                _ = try await client.preprocess(dubID: id)
            case "dub_is_not_in_preprocessed_state":
                _ = try await client.generate(dubID: try await upload())
            case "voice_is_not_new":
                let created = try await client.createVoice(.init(name: "v", numberOfFiles: 1, maxMinutes: 5, separate: false))
                _ = try await client.clone(voiceID: created.voice.id)
                _ = try await client.clone(voiceID: created.voice.id)
            case "unauthorized":
                let wrong = try VoiceDubClient(baseURL: h.fake.baseURL, retry: .never) { () throws(VoiceDubError) -> String in "nope" }
                _ = try await wrong.me()
            case "not_enough_credits":
                let id = try await upload()
                _ = try await client.preprocess(dubID: id)
                while try await client.dub(id).status == .preprocessing { try await Task.sleep(nanoseconds: 20_000_000) }
                h.fake.setCredits(0)
                _ = try await client.generate(dubID: id)
            case "rate_limit_exceeded":
                h.fake.inject(.rateLimited(retryAfterSeconds: 0), on: .getMe, times: 10)
                _ = try await client.me()
            case "internal_error":
                h.fake.inject(.serverError, on: .getMe, times: 10)
                _ = try await client.me()
            default:
                throw MissingValue(what: "a way to provoke \(code)")
            }
        } catch let error as VoiceDubError {
            return error
        }
        throw MissingValue(what: "an error for \(code)")
    }
}
