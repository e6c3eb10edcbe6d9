import DubKitHTTP
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// Injected faults do what they say, leave state as documented, and every call is counted.
@Suite struct FakeVoiceDubFaultTests {
    @Test func rateLimitedAndServerErrorChangeNothing() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let id = try await preprocessedDub(api)
        fake.inject(.rateLimited(retryAfterSeconds: 3), on: .generateDub)
        fake.inject(.serverError, on: .generateDub)
        let limited = try await api.call(.post, "/v1/me/dubs/\(id)/generate")
        #expect(limited.status == 429 && limited.body["code"]?.string == "rate_limit_exceeded")
        #expect(limited.headers["Retry-After"] == "3")
        let failed = try await api.call(.post, "/v1/me/dubs/\(id)/generate")
        #expect(failed.status == 500 && failed.body["code"]?.string == "internal_error")
        #expect(fake.dub(id)?.status == "preprocessed" && fake.credits == 10_000)
        #expect(try await api.call(.post, "/v1/me/dubs/\(id)/generate").status == 200)
        #expect(fake.calls(.generateDub) == 3)
        #expect(fake.dub(id)?.generateCalls == 1)
        #expect(fake.callTimes(.generateDub, id: id).count == 3)
        #expect(fake.callTimes(.generateDub, id: UUID().uuidString).isEmpty)
        try api.expectAnswersMatchSpec()
    }

    @Test func slowAnswersLateButActsAtOnce() async throws {
        let fake = try FakeVoiceDub()
        let api = try RawVoiceDub(fake)
        fake.inject(.slow(.milliseconds(400)), on: .getMe, times: 2)
        let clock = ContinuousClock()
        for _ in 0..<3 {
            let started = clock.now
            #expect(try await api.call(.get, "/v1/me").status == 200)
            let elapsed = clock.now - started
            if fake.calls(.getMe) <= 2 { #expect(elapsed >= .milliseconds(400)) } else { #expect(elapsed < .milliseconds(400)) }
        }
        try api.expectAnswersMatchSpec()
    }

    @Test func droppedConnectionLeavesTheDubUntouched() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)"}"#)
        let id = try #require(created.body["dub"]?["id"]?.string)
        let upload = try #require(created.body["uploadUrl"]?.string)
        let audio = try RawVoiceDub.tone(seconds: 3)
        fake.inject(.dropConnection, on: .uploadDub)
        await #expect(throws: HTTPError.self) { try await api.put(audio, to: upload) }
        #expect(fake.dub(id)?.uploadedBytes == 0)
        _ = try await api.put(audio, to: upload)
        #expect(fake.dub(id)?.uploadedBytes == audio.count)
        #expect(fake.calls(.uploadDub) == 2)

        fake.inject(.dropConnection, on: .preprocessDub)
        await #expect(throws: HTTPError.self) { try await api.call(.post, "/v1/me/dubs/\(id)/preprocess") }
        #expect(fake.dub(id)?.status == "new" && fake.dub(id)?.preprocessCalls == 0)
        #expect(try await api.call(.post, "/v1/me/dubs/\(id)/preprocess").status == 200)
        #expect(fake.calls(.preprocessDub) == 2 && fake.dub(id)?.preprocessCalls == 1)
        try api.expectAnswersMatchSpec()
    }

    @Test func dropAfterProcessingActsButNeverAnswers() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let id = try await preprocessedDub(api)
        fake.inject(.dropAfterProcessing, on: .generateDub)
        await #expect(throws: HTTPError.self) { try await api.call(.post, "/v1/me/dubs/\(id)/generate") }
        #expect(fake.dub(id)?.generateCalls == 1)
        #expect(fake.credits == 9_990)
        let retried = try await api.call(.post, "/v1/me/dubs/\(id)/generate")
        #expect(retried.status == 400 && retried.body["code"]?.string == "dub_is_not_in_preprocessed_state")
        let done = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["done", "error"])
        #expect(done["status"]?.string == "done" && fake.credits == 9_990)
        try api.expectAnswersMatchSpec()
    }

    @Test func dubFailsEndsTheDubOrVoiceInError() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let id = try await preprocessedDub(api)
        fake.inject(.dubFails(code: "separation_failed", message: "Vocals could not be separated"), on: .generateDub)
        #expect(try await api.call(.post, "/v1/me/dubs/\(id)/generate").status == 200)
        let dub = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["done", "error"])
        #expect(dub["status"]?.string == "error")
        #expect(dub["errorCode"]?.string == "separation_failed")
        #expect(dub["errorMessage"]?.string == "Vocals could not be separated")
        #expect(dub["dubUrl"] == .null && dub["completedAt"]?.string != nil)

        let created = try await api.call(.post, "/v1/me/voices", json: #"{"name":"V","numberOfFiles":1,"maxMinutes":5}"#)
        let voiceID = try #require(created.body["voice"]?["id"]?.string)
        _ = try await api.put(RawVoiceDub.tone(seconds: 0.3), to: try #require(created.body["uploadUrls"]?.array?.first?.string))
        fake.inject(.dubFails(code: "training_failed", message: "Too little clean speech"), on: .cloneVoice)
        _ = try await api.call(.post, "/v1/me/voices/\(voiceID)/clone")
        let voice = try await api.waitFor("/v1/me/voices/\(voiceID)", member: "voice", statuses: ["done", "error"])
        #expect(voice["status"]?.string == "error" && voice["errorCode"]?.string == "training_failed")
        try api.expectAnswersMatchSpec()
    }

    @Test func droppedDownloadResumesWithRange() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(10)))
        let api = try RawVoiceDub(fake)
        let id = try await preprocessedDub(api)
        _ = try await api.call(.post, "/v1/me/dubs/\(id)/generate")
        let dub = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["done", "error"])
        let url = try #require(dub["dubUrl"]?.string.flatMap(URL.init(string:)))
        fake.inject(.dropConnection, on: .downloadDub)
        let folder = try TemporaryDirectory()
        let file = folder.path("dub.wav")
        _ = try await api.client.download(HTTPRequest(.get, url), to: file)
        let expected = try Data(contentsOf: try #require(fake.dub(id)?.resultFile))
        #expect(try Data(contentsOf: file) == expected)
        #expect(fake.calls(.downloadDub) == 2)
        try api.expectAnswersMatchSpec()
    }

    @Test func perMinuteLimitSendsHeadersAnd429() async throws {
        let fake = try FakeVoiceDub(options: .init(rateLimitPerMinute: 3))
        let api = try RawVoiceDub(fake)
        var remaining: [String] = []
        for _ in 0..<3 {
            let reply = try await api.call(.get, "/v1/me")
            #expect(reply.status == 200 && reply.headers["X-RateLimit-Limit"] == "3")
            remaining.append(reply.headers["X-RateLimit-Remaining"] ?? "?")
        }
        #expect(remaining == ["2", "1", "0"])
        let limited = try await api.call(.get, "/v1/voices")
        #expect(limited.status == 429 && limited.body["code"]?.string == "rate_limit_exceeded")
        let retryAfter = Int(limited.headers["Retry-After"] ?? "") ?? 0
        #expect((1...60).contains(retryAfter))
        let reset = Double(limited.headers["X-RateLimit-Reset"] ?? "") ?? 0
        #expect(reset > Date().timeIntervalSince1970 && reset <= Date().timeIntervalSince1970 + 61)
        #expect(fake.calls(.listVoices) == 1)
        try api.expectAnswersMatchSpec()
    }

    @Test func presignedURLsExpireAndCheckTheirSignature() async throws {
        let fake = try FakeVoiceDub(options: .init(presignedURLLifetime: .milliseconds(300)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)"}"#)
        let upload = try #require(created.body["uploadUrl"]?.string)
        let forged = upload.replacingOccurrences(of: "X-Amz-Signature=", with: "X-Amz-Signature=0")
        await #expect(throws: HTTPError.self) { try await api.put(Data("x".utf8), to: forged) }
        try await Task.sleep(for: .milliseconds(400))
        do {
            _ = try await api.put(Data("x".utf8), to: upload)
            Issue.record("an expired URL was accepted")
        } catch HTTPError.status(_, _, let code, let body) {
            #expect(code == 403 && body.contains("Request has expired"))
        }
        let id = try #require(created.body["dub"]?["id"]?.string)
        #expect(fake.dub(id)?.uploadedBytes == 0)
        try api.expectAnswersMatchSpec()
    }

    @Test func randomFaultsRepeatWithTheSeed() async throws {
        func run(seed: UInt64) async throws -> [Int] {
            let fake = try FakeVoiceDub()
            let api = try RawVoiceDub(fake)
            fake.injectRandomly([.serverError, .rateLimited(retryAfterSeconds: 1)], rate: 0.5, seed: seed)
            var statuses: [Int] = []
            for _ in 0..<24 { statuses.append(try await api.call(.get, "/v1/me").status) }
            return statuses
        }
        let first = try await run(seed: 7)
        #expect(try await run(seed: 7) == first)
        #expect(try await run(seed: 8) != first)
        let faulty = first.filter { $0 != 200 }.count
        #expect((4...20).contains(faulty))
        #expect(Set(first).isSubset(of: [200, 429, 500]))
    }

    /// Creates a dub with a short upload and waits until it is preprocessed.
    private func preprocessedDub(_ api: RawVoiceDub) async throws -> String {
        let voice = try #require(api.fake.publicVoices.first).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)"}"#)
        let id = try #require(created.body["dub"]?["id"]?.string)
        _ = try await api.put(RawVoiceDub.tone(seconds: 1), to: try #require(created.body["uploadUrl"]?.string))
        _ = try await api.call(.post, "/v1/me/dubs/\(id)/preprocess")
        _ = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["preprocessed", "error"])
        return id
    }
}

/// A dub can be made to fail while a client polls it.
@Suite struct FakeVoiceDubPollFailureTests {
    @Test func dubFailsOnAPollEndsAMovingDub() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(100)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)"}"#)
        let id = try #require(created.body["dub"]?["id"]?.string)
        fake.inject(.dubFails(code: "gpu_lost", message: "The worker went away"), on: .getDub)
        #expect(try await api.call(.get, "/v1/me/dubs/\(id)").body["dub"]?["status"]?.string == "new")
        #expect(fake.dub(id)?.status == "new")
        fake.inject(.dubFails(code: "gpu_lost", message: "The worker went away"), on: .getDub)
        _ = try await api.put(RawVoiceDub.tone(seconds: 0.5), to: try #require(created.body["uploadUrl"]?.string))
        _ = try await api.call(.post, "/v1/me/dubs/\(id)/preprocess")
        #expect(try await api.call(.get, "/v1/me/dubs/\(id)").body["dub"]?["status"]?.string == "preprocessing")
        let ended = try await api.waitFor("/v1/me/dubs/\(id)", member: "dub", statuses: ["preprocessed", "error"])
        #expect(ended["status"]?.string == "error" && ended["errorCode"]?.string == "gpu_lost")
        try api.expectAnswersMatchSpec()
    }
}
