import DubKitHTTP
import FakeVoiceDub
import Foundation
import Testing

/// Many clients at once, with random faults: the fake's books still balance.
@Suite struct FakeVoiceDubConcurrencyTests {
    @Test func parallelDubsUnderRandomFaultsChargeEachGenerateOnce() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(30)))
        let api = try RawVoiceDub(fake)
        let audio = try RawVoiceDub.tone(seconds: 0.5)
        let voice = try #require(fake.publicVoices.first).id
        fake.injectRandomly([.serverError, .rateLimited(retryAfterSeconds: 1), .dropConnection, .dropAfterProcessing],
                            rate: 0.2, seed: 99)
        /// Repeats `call` until it answers (any status but 429/500), as a careful client would.
        func persist(_ method: HTTPMethod, _ path: String, json: String? = nil) async -> RawVoiceDub.Reply? {
            for _ in 0..<30 {
                if let reply = try? await api.call(method, path, json: json), reply.status != 429, reply.status != 500 {
                    return reply
                }
            }
            return nil
        }
        let finals = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    guard let created = await persist(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)"}"#),
                          let id = created.body["dub"]?["id"]?.string, let upload = created.body["uploadUrl"]?.string
                    else { return nil }
                    for _ in 0..<30 where fake.dub(id)?.uploadedBytes != audio.count {
                        _ = try? await api.put(audio, to: upload)
                    }
                    while fake.dub(id)?.status == "new" { _ = await persist(.post, "/v1/me/dubs/\(id)/preprocess") }
                    while fake.dub(id)?.status != "preprocessed" && fake.dub(id)?.status != "error" {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    while fake.dub(id)?.status == "preprocessed" { _ = await persist(.post, "/v1/me/dubs/\(id)/generate") }
                    while let status = fake.dub(id)?.status, status != "done" && status != "error" {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    return id
                }
            }
            var ids: [String] = []
            for await id in group { if let id { ids.append(id) } }
            return ids
        }
        #expect(finals.count == 8)
        let dubs = finals.compactMap { fake.dub($0) }
        #expect(dubs.allSatisfy { $0.status == "done" && $0.generateCalls == 1 && $0.preprocessCalls == 1 })
        #expect(fake.credits == 10_000 - dubs.reduce(0) { $0 + $1.apiCreditsUsed })
        #expect(fake.credits == 10_000 - 8 * 10)
        #expect(fake.calls(.createDub) >= 8)
        try api.expectAnswersMatchSpec()
    }
}
