import CartesiaProvider
import DubKit
import DubKitTestSupport
import FakeCartesia
import Foundation
import Testing

@Suite("Cartesia voices")
struct CartesiaCatalogueTests {
    @Test("voices come in starting_after pages that, followed, list the whole library once and in order")
    func pages() async throws {
        let h = try CartesiaHarness()
        var query = VoiceQuery(limit: 10)
        var ids: [String] = []
        var pages = 0
        repeat {
            let page = try await h.adapter.voices(query)
            ids += page.voices.map(\.id)
            query.cursor = page.nextCursor
            pages += 1
        } while query.cursor != nil
        #expect(ids == h.fake.library.map(\.id))
        #expect(pages == 3 && h.fake.calls(.listVoices) == 3)
        #expect(h.fake.requests.map { $0.query("starting_after") } == [nil, h.fake.library[9].id, h.fake.library[19].id])
        #expect(h.fake.requests.allSatisfy { $0.query("limit") == "10" })
    }

    @Test("filters: a gender as style is sent as gender, languages and search keep the page's matches, genres and bad limits are refused")
    func filters() async throws {
        let h = try CartesiaHarness()
        let feminine = try await h.adapter.voices(VoiceQuery(styles: ["feminine"], limit: 100))
        #expect(feminine.voices.map(\.id) == h.fake.library.filter { $0.gender == "feminine" }.map(\.id))
        #expect(feminine.voices.allSatisfy { $0.styles == ["feminine"] } && feminine.nextCursor == nil)
        #expect(h.fake.requests.last?.query("gender") == "feminine")
        let spanish = try await h.adapter.voices(VoiceQuery(languages: ["es"], limit: 100))
        #expect(!spanish.voices.isEmpty && spanish.voices.allSatisfy { $0.languages == ["es"] })
        let named = try await h.adapter.voices(VoiceQuery(search: "NEWSMAN", limit: 100))
        #expect(named.voices.map(\.name) == h.fake.library.filter { $0.name.hasPrefix("Newsman") }.map(\.name))
        let calls = h.fake.totalCalls

        for query in [VoiceQuery(limit: 0), VoiceQuery(limit: 101), VoiceQuery(genres: ["rock"]), VoiceQuery(styles: ["calm"])] {
            await #expect(throws: ProviderError.self) { _ = try await h.adapter.voices(query) }
        }
        #expect(h.fake.totalCalls == calls)
    }

    @Test("the account check reaches Cartesia with the key and reports no credits (the API has none to report)")
    func account() async throws {
        let h = try CartesiaHarness()
        #expect(try await h.adapter.account().credits == nil)
        #expect(h.fake.calls(.listVoices) == 1 && h.fake.requests.first?.query("limit") == "1")
        let wrong = try CartesiaHarness(key: "sk_car_not_it")
        await #expect(throws: ProviderError.self) { _ = try await wrong.adapter.account() }
    }
}
