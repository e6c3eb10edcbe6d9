import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
import VoiceDubProvider

@Suite("VoiceDub public voices and account")
struct VoiceDubCatalogueTests {
    @Test("the catalogue is read page by page, following nextCursor to the end")
    func pages() async throws {
        let h = try VoiceDubHarness(publicVoices: 30)
        var query = VoiceQuery(limit: 8)
        var ids: [String] = []
        var pages = 0
        repeat {
            let page = try await h.adapter.voices(query)
            #expect(page.voices.count <= 8)
            ids += page.voices.map(\.id)
            pages += 1
            query.cursor = page.nextCursor
        } while query.cursor != nil && pages < 10
        #expect(pages == 4)
        #expect(ids == h.fake.publicVoices.map(\.id))
        #expect(h.fake.calls(.listVoices) == 4)
    }

    @Test("filters reach the API: values of one filter OR'd, filters AND'd")
    func filters() async throws {
        let h = try VoiceDubHarness(publicVoices: 40)
        let all = h.fake.publicVoices
        let expected = all.filter { voice in
            (voice.languages.contains("english") || voice.languages.contains("spanish")) && voice.styles.contains("speaking")
        }
        var query = VoiceQuery(languages: ["english", "spanish"], styles: ["speaking"], limit: 8)
        var found: [ProviderVoice] = []
        repeat {
            let page = try await h.adapter.voices(query)
            found += page.voices
            query.cursor = page.nextCursor
        } while query.cursor != nil
        #expect(!expected.isEmpty)
        #expect(found.map(\.id) == expected.map(\.id))
        #expect(found.allSatisfy { !$0.name.isEmpty && $0.styles.contains("speaking") })

        // Genres: either of two, AND'd with a language.
        let genreExpected = all.filter { voice in
            (voice.genres.contains("pop") || voice.genres.contains("jazz")) && voice.languages.contains("english")
        }
        var genreQuery = VoiceQuery(languages: ["english"], genres: ["pop", "jazz"], limit: 8)
        var genreFound: [ProviderVoice] = []
        repeat {
            let page = try await h.adapter.voices(genreQuery)
            genreFound += page.voices
            genreQuery.cursor = page.nextCursor
        } while genreQuery.cursor != nil
        #expect(!genreExpected.isEmpty && genreExpected.count < all.count)
        #expect(genreFound.map(\.id) == genreExpected.map(\.id))
        #expect(genreFound.allSatisfy { !Set($0.genres).isDisjoint(with: ["pop", "jazz"]) && $0.languages.contains("english") })

        let named = try #require(all.first?.name)
        let searched = try await h.adapter.voices(VoiceQuery(search: String(named.prefix(4))))
        #expect(searched.voices.contains { $0.name == named })
    }

    @Test("out-of-range queries are refused before any request", arguments: [
        VoiceQuery(limit: 7), VoiceQuery(limit: 51), VoiceQuery(search: ""), VoiceQuery(search: String(repeating: "a", count: 51)),
        VoiceQuery(languages: ["german"]), VoiceQuery(genres: ["metal"]), VoiceQuery(styles: ["whisper"]),
    ])
    func refusedQueries(_ query: VoiceQuery) async throws {
        let h = try VoiceDubHarness()
        await #expect {
            _ = try await h.adapter.voices(query)
        } throws: { error in
            guard case let .invalidParameter(provider, _, _, allowed)? = error as? ProviderError else { return false }
            return provider == "voicedub" && !allowed.isEmpty
        }
        #expect(h.fake.calls(.listVoices) == 0)
    }

    @Test("the account's credits come from GET /v1/me")
    func account() async throws {
        let h = try VoiceDubHarness(credits: 1234)
        #expect(try await h.adapter.account().credits == 1234)
        h.fake.setCredits(7)
        #expect(try await h.adapter.account().credits == 7)
    }

    @Test("custom voice requests outside the spec's ranges are refused before any request", arguments: [
        VoiceJobRequest(name: "", numberOfFiles: 1), VoiceJobRequest(name: String(repeating: "n", count: 51), numberOfFiles: 1),
        VoiceJobRequest(name: "v", numberOfFiles: 0), VoiceJobRequest(name: "v", numberOfFiles: 6),
        VoiceJobRequest(name: "v", numberOfFiles: 1, maxMinutes: 4), VoiceJobRequest(name: "v", numberOfFiles: 1, maxMinutes: 61),
    ])
    func refusedVoices(_ request: VoiceJobRequest) async throws {
        let h = try VoiceDubHarness()
        await #expect(throws: ProviderError.self) { _ = try await h.adapter.createVoice(request) }
        #expect(h.fake.calls(.createVoice) == 0)
    }

    @Test("pitch shifts outside -24...24 are refused before any request", arguments: [-25, 25])
    func refusedPitch(_ pitch: Int) async throws {
        let h = try VoiceDubHarness()
        await #expect(throws: ProviderError.self) {
            _ = try await h.adapter.createDub(DubJobRequest(voice: h.publicVoice, pitchShift: pitch, separate: false, parameters: .empty))
        }
        #expect(h.fake.calls(.createDub) == 0)
    }
}
