import DubKitHTTP
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing

/// Public voice search and paging, and custom voice training, as the fake plays them.
@Suite struct FakeVoiceDubVoiceTests {
    @Test func filtersAreOredWithinAndAndedAcrossInEverySpelling() async throws {
        let fake = try FakeVoiceDub(options: .init(publicVoices: 50))
        let api = try RawVoiceDub(fake)
        let expected = fake.publicVoices.filter {
            ($0.genres.contains("pop") || $0.genres.contains("jazz")) && $0.languages.contains("english")
        }.map(\.id)
        #expect(!expected.isEmpty && expected.count < 50)
        for query in ["genres=pop&genres=jazz&languages=english", "genres[]=pop&genres[]=jazz&languages[]=english",
                      "genres[0]=pop&genres[1]=jazz&languages[0]=english", "genres=pop,jazz&languages=english"] {
            let reply = try await api.call(.get, "/v1/voices?\(query)")
            let ids = reply.body["voices"]?.array?.compactMap { $0["id"]?.string }
            #expect(ids == expected, "\(query)")
        }
        let search = try await api.call(.get, "/v1/voices?search=ARIA")
        let names = search.body["voices"]?.array?.compactMap { $0["name"]?.string } ?? []
        #expect(!names.isEmpty && names.allSatisfy { $0.lowercased().contains("aria") })
        let none = try await api.call(.get, "/v1/voices?search=zzz")
        #expect(none.body["voices"]?.array?.isEmpty == true && none.body["nextCursor"] == .null)
        try api.expectAnswersMatchSpec()
    }

    @Test func everyFilterValueMatchesSomeButNotAllOfTheDefaultCatalogue() async throws {
        let fake = try FakeVoiceDub()
        let api = try RawVoiceDub(fake)
        let filters = ["genres": ["pop", "rap", "rock", "country", "rnb", "alternative", "jazz"],
                       "languages": ["english", "spanish", "korean", "japanese", "french", "russian", "thai"],
                       "styles": ["singing", "rapping", "speaking", "character", "other"]]
        for (name, values) in filters {
            for value in values {
                let count = try await api.call(.get, "/v1/voices?\(name)=\(value)").body["voices"]?.array?.count ?? 0
                #expect((1..<30).contains(count), "\(name)=\(value) matches \(count) of 30")
            }
        }
        #expect(Set(fake.publicVoices.map(\.id)).count == 30 && Set(fake.publicVoices.map(\.name)).count == 30)
        #expect(Set(fake.publicVoices.map(\.avatarFormat)) == ["webp", "gif"])
        #expect(try FakeVoiceDub().publicVoices == fake.publicVoices)
        try api.expectAnswersMatchSpec()
    }

    @Test func cursorPagesCoverTheCatalogueOnce() async throws {
        let fake = try FakeVoiceDub(options: .init(publicVoices: 45))
        let api = try RawVoiceDub(fake)
        var ids: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let path = "/v1/voices?limit=8" + (cursor.map { "&cursor=\($0)" } ?? "")
            let reply = try await api.call(.get, path)
            let page = reply.body["voices"]?.array ?? []
            #expect(page.count <= 8)
            ids += page.compactMap { $0["id"]?.string }
            cursor = reply.body["nextCursor"]?.string
            pages += 1
        } while cursor != nil && pages < 20
        #expect(pages == 6)
        #expect(ids == fake.publicVoices.map(\.id))
        let all = try await api.call(.get, "/v1/voices")
        #expect(all.body["voices"]?.array?.count == 45 && all.body["nextCursor"] == .null)
        let bad = try await api.call(.get, "/v1/voices?cursor=garbage")
        #expect(bad.status == 400 && bad.body["errors"]?["query"]?["cursor"] != nil)
        try api.expectAnswersMatchSpec()
    }

    @Test func trainingChargesTenPerMaxMinuteAndWalksToDone() async throws {
        let fake = try FakeVoiceDub(options: .init(stageDuration: .milliseconds(50)))
        let api = try RawVoiceDub(fake)
        let created = try await api.call(.post, "/v1/me/voices", json: #"{"name":"Ada","numberOfFiles":3,"maxMinutes":12}"#)
        let voice = created.body["voice"] ?? .null
        let id = try #require(voice["id"]?.string)
        #expect(voice["status"]?.string == "new")
        #expect(voice["requiredCredits"]?.integer == 120)
        #expect(voice["separate"]?.bool == true)
        let urls = created.body["uploadUrls"]?.array?.compactMap(\.string) ?? []
        #expect(urls.count == 3 && Set(urls).count == 3)
        for url in urls { _ = try await api.put(RawVoiceDub.tone(seconds: 0.3), to: url) }
        #expect(fake.voice(id)?.uploadedFiles == [0, 1, 2])

        let cloned = try await api.call(.post, "/v1/me/voices/\(id)/clone")
        #expect(cloned.body["voice"]?["status"]?.string == "queued")
        #expect(cloned.body["voice"]?["apiCreditsUsed"]?.integer == 120)
        #expect(cloned.body["voice"]?["apiCreditsLeft"]?.integer == 9_880)
        #expect(fake.credits == 9_880)
        let again = try await api.call(.post, "/v1/me/voices/\(id)/clone")
        #expect(again.status == 400 && again.body["code"]?.string == "voice_is_not_new")
        #expect(fake.credits == 9_880)
        let done = try await api.waitFor("/v1/me/voices/\(id)", member: "voice", statuses: ["done", "error"])
        #expect(done["status"]?.string == "done")
        #expect(done["completedAt"]?.string != nil)
        #expect(fake.voice(id)?.cloneCalls == 1)
        try api.expectAnswersMatchSpec()
    }

    @Test func trainingRefusedWithoutCreditsAndFailsWithoutFiles() async throws {
        let fake = try FakeVoiceDub(options: .init(startingCredits: 60, stageDuration: .milliseconds(20)))
        let api = try RawVoiceDub(fake)
        let big = try await api.call(.post, "/v1/me/voices", json: #"{"name":"Big","numberOfFiles":1}"#)
        let bigID = try #require(big.body["voice"]?["id"]?.string)
        let refused = try await api.call(.post, "/v1/me/voices/\(bigID)/clone")
        #expect(refused.status == 403 && refused.body["code"]?.string == "not_enough_credits")
        #expect(fake.voice(bigID)?.status == "new" && fake.credits == 60)

        let small = try await api.call(.post, "/v1/me/voices", json: #"{"name":"Small","numberOfFiles":1,"maxMinutes":5}"#)
        let smallID = try #require(small.body["voice"]?["id"]?.string)
        #expect(try await api.call(.post, "/v1/me/voices/\(smallID)/clone").status == 200)
        let ended = try await api.waitFor("/v1/me/voices/\(smallID)", member: "voice", statuses: ["done", "error"])
        #expect(ended["status"]?.string == "error" && ended["errorCode"]?.string == "no_training_files")
        try api.expectAnswersMatchSpec()
    }
}
