import DubKit
import DubKitTestSupport
import ElevenLabsProvider
import FakeElevenLabs
import Foundation
import Testing

@Suite("ElevenLabs voices, models and account")
struct ElevenLabsCatalogueTests {
    @Test("voices come a page at a time through next_page_token until has_more is false")
    func pages() async throws {
        let h = try ElevenLabsHarness(options: .init(voices: 23))
        var query = VoiceQuery(limit: 10)
        var ids: [String] = []
        var pages = 0
        repeat {
            let page = try await h.adapter.voices(query)
            ids += page.voices.map(\.id)
            query.cursor = page.nextCursor
            pages += 1
        } while query.cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(ids == h.fake.voices.map(\.voiceID))
        let sent = h.fake.requests.map { $0.query("page_size") }
        #expect(sent == ["10", "10", "10"])
    }

    @Test("search is ElevenLabs's own; languages and styles keep the voices whose verified languages and labels match")
    func filters() async throws {
        let h = try ElevenLabsHarness(options: .init(voices: 12))
        let rachel = try await h.adapter.voices(VoiceQuery(search: "rachel", limit: 100))
        #expect(!rachel.voices.isEmpty && rachel.voices.allSatisfy { $0.name.lowercased().contains("rachel") })
        #expect(h.fake.requests.last?.query("search") == "rachel")

        let spanish = try await h.adapter.voices(VoiceQuery(languages: ["ES"], limit: 100))
        #expect(spanish.voices.map(\.id) == h.fake.voices.filter { $0.languages.contains("es") }.map(\.voiceID))
        let calm = try await h.adapter.voices(VoiceQuery(styles: ["calm"], limit: 100))
        #expect(calm.voices.map(\.id) == h.fake.voices.filter { $0.labels["description"] == "calm" }.map(\.voiceID))
        let first = try #require(calm.voices.first)
        #expect(first.languages.contains("en") && first.styles.contains("calm"))

        await #expect(throws: ProviderError.self) { _ = try await h.adapter.voices(VoiceQuery(genres: ["pop"])) }
        await #expect(throws: ProviderError.self) { _ = try await h.adapter.voices(VoiceQuery(limit: 101)) }
        #expect(h.fake.calls(.listVoices) == 3)
    }

    @Test("models say which can convert; the account reports the characters left on the plan")
    func modelsAndAccount() async throws {
        let h = try ElevenLabsHarness(options: .init(characterLimit: 30_000, charactersUsed: 1_234))
        let models = try await h.adapter.models()
        #expect(models.filter { $0.canDoVoiceConversion == true }.map(\.modelID) == ["eleven_english_sts_v2", "eleven_multilingual_sts_v2"])
        #expect(models.contains { $0.modelID == "eleven_multilingual_v2" && $0.canDoVoiceConversion == false })
        #expect(try await h.adapter.account().credits == 28_766)
    }
}
