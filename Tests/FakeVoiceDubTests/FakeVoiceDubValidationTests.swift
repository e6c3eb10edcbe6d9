import DubKitHTTP
import FakeVoiceDub
import Foundation
import Testing

/// Requests that break the spec get the spec's error bodies, naming the place and field.
@Suite struct FakeVoiceDubValidationTests {
    static let voice = "VOICE"

    /// (method, path, body, place, field) for requests that must answer 400 invalid_arguments.
    static let invalid: [(String, String, String?, String, String)] = [
        ("POST", "/v1/me/dubs", #"{}"#, "body", "voiceId"),
        ("POST", "/v1/me/dubs", #"{"voiceId":"abc"}"#, "body", "voiceId"),
        ("POST", "/v1/me/dubs", #"{"voiceId":7}"#, "body", "voiceId"),
        ("POST", "/v1/me/dubs", #"{"voiceId":"VOICE","pitchShift":-25}"#, "body", "pitchShift"),
        ("POST", "/v1/me/dubs", #"{"voiceId":"VOICE","pitchShift":1.5}"#, "body", "pitchShift"),
        ("POST", "/v1/me/dubs", #"{"voiceId":"VOICE","pitchShift":"2"}"#, "body", "pitchShift"),
        ("POST", "/v1/me/dubs", #"{"voiceId":"VOICE","separate":"yes"}"#, "body", "separate"),
        ("POST", "/v1/me/dubs", #"{"voiceId":"VOICE","link":"not a url"}"#, "body", "link"),
        ("POST", "/v1/me/dubs", #"[1,2]"#, "body", "_errors"),
        ("POST", "/v1/me/dubs", nil, "body", "_errors"),
        ("POST", "/v1/me/voices", #"{"numberOfFiles":1}"#, "body", "name"),
        ("POST", "/v1/me/voices", #"{"name":"","numberOfFiles":1}"#, "body", "name"),
        ("POST", "/v1/me/voices", #"{"name":"\#(String(repeating: "x", count: 51))","numberOfFiles":1}"#, "body", "name"),
        ("POST", "/v1/me/voices", #"{"name":"a"}"#, "body", "numberOfFiles"),
        ("POST", "/v1/me/voices", #"{"name":"a","numberOfFiles":0}"#, "body", "numberOfFiles"),
        ("POST", "/v1/me/voices", #"{"name":"a","numberOfFiles":6}"#, "body", "numberOfFiles"),
        ("POST", "/v1/me/voices", #"{"name":"a","numberOfFiles":1,"maxMinutes":4}"#, "body", "maxMinutes"),
        ("POST", "/v1/me/voices", #"{"name":"a","numberOfFiles":1,"maxMinutes":61}"#, "body", "maxMinutes"),
        ("GET", "/v1/voices?limit=51", nil, "query", "limit"),
        ("GET", "/v1/voices?limit=ten", nil, "query", "limit"),
        ("GET", "/v1/voices?genres[]=polka", nil, "query", "genres"),
        ("GET", "/v1/voices?languages=english,latin", nil, "query", "languages"),
        ("GET", "/v1/voices?search=\(String(repeating: "s", count: 51))", nil, "query", "search"),
        ("GET", "/v1/me/dubs/123", nil, "params", "dubId"),
        ("POST", "/v1/me/dubs/123/preprocess", nil, "params", "dubId"),
        ("POST", "/v1/me/dubs/123/generate", nil, "params", "dubId"),
        ("GET", "/v1/me/voices/xyz", nil, "params", "voiceId"),
        ("POST", "/v1/me/voices/xyz/clone", nil, "params", "voiceId"),
    ]

    @Test(arguments: invalid)
    func invalidArgumentsNameThePlaceAndField(_ method: String, _ path: String, _ body: String?,
                                              _ place: String, _ field: String) async throws {
        let fake = try FakeVoiceDub()
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let reply = try await api.call(HTTPMethod(rawValue: method), path,
                                       json: body?.replacingOccurrences(of: Self.voice, with: voice))
        #expect(reply.status == 400)
        #expect(reply.body["code"]?.string == "invalid_arguments")
        #expect(reply.body["message"]?.string?.isEmpty == false)
        let messages = reply.body["errors"]?[place]?[field]?.array ?? []
        #expect(!messages.isEmpty, "\(reply.body)")
        for other in ["params", "query", "body"] {
            #expect(reply.body["errors"]?[other]?.object != nil)
        }
        #expect(fake.dubIDs.isEmpty && fake.voiceIDs.isEmpty)
        try api.expectAnswersMatchSpec()
    }

    @Test func toleratedInputsAreAccepted() async throws {
        let fake = try FakeVoiceDub()
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let upper = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice.uppercased())","link":null,"extra":1}"#)
        #expect(upper.status == 200)
        #expect(upper.body["dub"]?["voiceId"]?.string == voice)
        #expect(upper.body["dub"]?["pitchShift"]?.integer == 0)
        #expect(upper.body["dub"]?["separate"]?.bool == true)
        let edges = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)","pitchShift":-24}"#)
        #expect(edges.status == 200)
        let named = try await api.call(.post, "/v1/me/voices",
                                       json: #"{"name":"\#(String(repeating: "n", count: 50))","numberOfFiles":5,"maxMinutes":60}"#)
        #expect(named.status == 200 && named.body["uploadUrls"]?.array?.count == 5)
        #expect(try await api.call(.get, "/v1/me/", key: "test-key").status == 200)
        #expect(try await api.call(.get, "/v1/voices?limit=8&unknown=1").status == 200)
        try api.expectAnswersMatchSpec()
    }

    @Test func authAndUnknownThingsGetTheirCodes() async throws {
        let fake = try FakeVoiceDub(options: .init(apiKey: "sekret"))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        for key in [nil, "test-key", "Sekret"] as [String?] {
            let reply = try await api.call(.get, "/v1/me", key: key)
            #expect(reply.status == 401 && reply.body["code"]?.string == "unauthorized")
        }
        let unknownDub = try await api.call(.get, "/v1/me/dubs/\(UUID().uuidString)", key: "sekret")
        #expect(unknownDub.status == 404 && unknownDub.body["code"]?.string == "not_found")
        let unknownVoice = try await api.call(.get, "/v1/me/voices/\(voice)", key: "sekret")
        #expect(unknownVoice.status == 404 && unknownVoice.body["code"]?.string == "not_found")
        let noVoice = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(UUID().uuidString)"}"#, key: "sekret")
        #expect(noVoice.status == 400 && noVoice.body["code"]?.string == "voice_not_found")
        #expect(try await api.call(.delete, "/v1/me", key: "sekret").status == 404)
        #expect(fake.calls(.getMe) == 3)
        try api.expectAnswersMatchSpec()
    }

    @Test func stateErrorsKeepTheDubAsItWas() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .seconds(30)))
        let api = try RawVoiceDub(fake)
        let voice = try #require(fake.publicVoices.first).id
        let created = try await api.call(.post, "/v1/me/dubs", json: #"{"voiceId":"\#(voice)"}"#)
        let id = try #require(created.body["dub"]?["id"]?.string)
        let early = try await api.call(.post, "/v1/me/dubs/\(id)/generate")
        #expect(early.status == 400 && early.body["code"]?.string == "dub_is_not_in_preprocessed_state")
        _ = try await api.put(RawVoiceDub.tone(seconds: 0.5), to: try #require(created.body["uploadUrl"]?.string))
        #expect(try await api.call(.post, "/v1/me/dubs/\(id)/preprocess").status == 200)
        let twice = try await api.call(.post, "/v1/me/dubs/\(id)/preprocess")
        #expect(twice.status == 400 && twice.body["code"]?.string == "dub_is_not_new")
        let during = try await api.call(.post, "/v1/me/dubs/\(id)/generate")
        #expect(during.body["code"]?.string == "dub_is_not_in_preprocessed_state")
        #expect(fake.dub(id)?.status == "preprocessing")
        #expect(fake.dub(id)?.preprocessCalls == 1 && fake.dub(id)?.generateCalls == 0)
        #expect(fake.calls(.preprocessDub) == 2 && fake.calls(.generateDub) == 2)
        try api.expectAnswersMatchSpec()
    }
}

/// The base URL works however a client joins paths to it.
@Suite struct FakeVoiceDubBaseURLTests {
    @Test func baseURLHasNoTrailingSlashAndDoubleSlashesAreMerged() async throws {
        let fake = try FakeVoiceDub()
        #expect(fake.baseURL.absoluteString.hasPrefix("http://127.0.0.1:"))
        #expect(!fake.baseURL.absoluteString.hasSuffix("/"))
        let api = try RawVoiceDub(fake)
        #expect(try await api.call(.get, fake.baseURL.absoluteString + "/v1/me").status == 200)
        #expect(try await api.call(.get, fake.baseURL.absoluteString + "//v1/me").status == 200)
        #expect(try await api.call(.get, fake.baseURL.appendingPathComponent("v1/voices").absoluteString + "?limit=8")
            .body["voices"]?.array?.count == 8)
        try api.expectAnswersMatchSpec()
    }
}
