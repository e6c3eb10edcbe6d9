import DubKitHTTP
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// Every answer the fake sends conforms to docs/specs/voicedub-openapi.json (and, for the error
/// statuses the spec leaves out, to PROVIDERS.md's `{code, message}` bodies).
@Suite struct FakeVoiceDubSpecTests {
    @Test func everyAnswerOfEveryOperationMatchesTheSpec() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(40)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id

        #expect(try await api.call(.get, "/v1/me").status == 200)
        #expect(try await api.call(.get, "/v1/me", key: nil).status == 401)
        #expect(try await api.call(.get, "/v1/me", key: "wrong").status == 401)
        #expect(try await api.call(.get, "/v1/voices?limit=8&genres=pop&genres[]=rock&languages=english,spanish").status == 200)
        #expect(try await api.call(.get, "/v1/voices?limit=7").status == 400)
        #expect(try await api.call(.get, "/v1/voices?styles=opera").status == 400)

        let created = try await api.call(.post, "/v1/me/voices", json: #"{"name":"Mine","numberOfFiles":2,"maxMinutes":5}"#)
        #expect(created.status == 200)
        #expect(try await api.call(.post, "/v1/me/voices", json: #"{"name":"","numberOfFiles":9}"#).status == 400)
        let voiceID = try #require(created.body["voice"]?["id"]?.string)
        for url in created.body["uploadUrls"]?.array?.compactMap(\.string) ?? [] {
            #expect(try await api.put(RawVoiceDub.tone(seconds: 0.5), to: url).status == 200)
        }
        #expect(try await api.call(.post, "/v1/me/voices/\(voiceID)/clone").status == 200)
        #expect(try await api.call(.post, "/v1/me/voices/\(voiceID)/clone").status == 400)
        #expect(try await api.call(.post, "/v1/me/voices/\(UUID().uuidString)/clone").status == 404)
        #expect(try await api.call(.get, "/v1/me/voices/\(voiceID)").status == 200)
        #expect(try await api.call(.get, "/v1/me/voices/\(UUID().uuidString)").status == 404)
        #expect(try await api.call(.get, "/v1/me/voices/not-a-uuid").status == 400)

        let dub = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)","pitchShift":2}"#)
        #expect(dub.status == 200)
        #expect(try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)","link":"https://example.com/a.mp4"}"#).status == 200)
        #expect(try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(UUID().uuidString)"}"#).status == 400)
        #expect(try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)","pitchShift":25}"#).status == 400)
        let dubID = try #require(dub.body["dub"]?["id"]?.string)
        let upload = try #require(dub.body["uploadUrl"]?.string)
        #expect(try await api.put(RawVoiceDub.tone(seconds: 1.5), to: upload).status == 200)
        #expect(try await api.call(.post, "/v1/me/dubs/\(dubID)/generate").status == 400)
        #expect(try await api.call(.post, "/v1/me/dubs/\(dubID)/preprocess").status == 200)
        #expect(try await api.call(.post, "/v1/me/dubs/\(dubID)/preprocess").status == 400)
        _ = try await api.waitFor("/v1/me/dubs/\(dubID)", member: "dub", statuses: ["preprocessed"])
        fake.setCredits(5)
        #expect(try await api.call(.post, "/v1/me/dubs/\(dubID)/generate").status == 403)
        fake.setCredits(1000)
        #expect(try await api.call(.post, "/v1/me/dubs/\(dubID)/generate").status == 200)
        let done = try await api.waitFor("/v1/me/dubs/\(dubID)", member: "dub", statuses: ["done", "error"])
        #expect(done["status"]?.string == "done")
        #expect(try await api.call(.get, "/v1/me/dubs/\(UUID().uuidString)").status == 404)
        #expect(try await api.call(.post, "/v1/me/dubs/\(UUID().uuidString)/preprocess").status == 404)
        #expect(try await api.call(.post, "/v1/me/dubs/\(UUID().uuidString)/generate").status == 404)
        #expect(try await api.call(.get, "/v1/me/dubs/12345").status == 400)

        fake.inject(.rateLimited(retryAfterSeconds: 2), on: .getMe)
        fake.inject(.serverError, on: .getMe)
        #expect(try await api.call(.get, "/v1/me").status == 429)
        #expect(try await api.call(.get, "/v1/me").status == 500)
        #expect(try await api.call(.get, "/v1/nothing").status == 404)

        let spec = try VoiceDubSpec()
        let sent = fake.sentResponses
        var seen = Set<String>()
        for response in sent {
            guard let operationID = response.operation?.operationID else {
                #expect(JSONNode.parse(response.body)?["code"]?.string == "not_found")
                continue
            }
            seen.insert("\(operationID) \(response.status)")
            let problems = spec.problems(response.body, operationID: operationID, status: response.status)
            #expect(problems.isEmpty, "\(operationID) \(response.status): \(problems) in \(String(decoding: response.body, as: UTF8.self))")
        }
        for operation in FakeVoiceDub.Operation.allCases {
            guard let operationID = operation.operationID else { continue }
            #expect(seen.contains("\(operationID) 200"), "no 200 answer of \(operationID) was checked")
        }
        #expect(seen.count >= 25)
    }

    @Test func theValidatorCatchesWhatTheSpecForbids() throws {
        let spec = try VoiceDubSpec()
        let good = Data(#"{"user":{"apiCredits":10}}"#.utf8)
        #expect(spec.problems(good, operationID: "getMe", status: 200).isEmpty)
        #expect(!spec.problems(Data(#"{"user":{"apiCredits":"10"}}"#.utf8), operationID: "getMe", status: 200).isEmpty)
        #expect(!spec.problems(Data(#"{"user":{"apiCredits":1.5}}"#.utf8), operationID: "getMe", status: 200).isEmpty)
        #expect(!spec.problems(Data(#"{"user":{}}"#.utf8), operationID: "getMe", status: 200).isEmpty)
        #expect(!spec.problems(Data(#"{"code":"voice_not_found"}"#.utf8), operationID: "createDub", status: 400).isEmpty)
        #expect(!spec.problems(Data(#"{"code":"dub_is_not_new","message":"x"}"#.utf8), operationID: "generateDub", status: 400).isEmpty)
        #expect(!spec.problems(Data(#"{"code":"not_found","message":"x"}"#.utf8), operationID: "getDubById", status: 500).isEmpty)
        let badVoice = #"{"voices":[{"id":"nope","name":"a","languages":["klingon"],"genres":[],"styles":[],"#
            + #""avatarFormat":"png","createdAt":"x","updatedAt":"x","avatarUrl":"x"}],"nextCursor":null}"#
        let problems = spec.problems(Data(badVoice.utf8), operationID: "getPublicVoices", status: 200)
        #expect(problems.count == 3, "\(problems)")
    }
}
