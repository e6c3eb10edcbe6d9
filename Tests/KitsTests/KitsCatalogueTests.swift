import DubKit
import FakeKits
import Foundation
import KitsProvider
import Testing

@Suite("Kits.ai voice models")
struct KitsCatalogueTests {
    @Test("pages follow the page number until the last; models the account cannot use are left out")
    func pages() async throws {
        let h = try KitsHarness()
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await h.adapter.voices(VoiceQuery(limit: 10, cursor: cursor))
            seen += page.voices.map(\.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        let usable = h.fake.voiceModels.filter(\.isUsable).map { String($0.id) }
        #expect(seen == usable)
        #expect(!seen.contains("7") && !seen.contains("14"))
        let request = try #require(h.fake.requests.last { $0.path.hasSuffix("/voice-models") })
        #expect(request.query("page") == "3" && request.query("perPage") == "10")
    }

    @Test("the account check reaches Kits with the key and reports no credits (Kits bills by plan)")
    func account() async throws {
        let h = try KitsHarness()
        #expect(try await h.adapter.account().credits == nil)
        #expect(h.fake.calls(.listVoiceModels) == 1)
        let wrong = try KitsHarness(key: "kits-not-the-key")
        await #expect(throws: ProviderError.self) { _ = try await wrong.adapter.account() }
    }

    @Test("search keeps the models whose title contains it; a bad cursor is refused before any request")
    func searchAndCursor() async throws {
        let h = try KitsHarness()
        let page = try await h.adapter.voices(VoiceQuery(search: "aria", limit: 25))
        #expect(!page.voices.isEmpty && page.voices.allSatisfy { $0.name.lowercased().contains("aria") })
        let rock = try await h.adapter.voices(VoiceQuery(styles: ["Rock"], limit: 25))
        #expect(!rock.voices.isEmpty && rock.voices.allSatisfy { $0.styles.contains("rock") })
        await #expect(throws: ProviderError.self) { _ = try await h.adapter.voices(VoiceQuery(languages: ["english"])) }
        await #expect(throws: ProviderError.self) { _ = try await h.adapter.voices(VoiceQuery(cursor: "next")) }
        await #expect(throws: ProviderError.self) { _ = try await h.adapter.voices(VoiceQuery(limit: 0)) }
        #expect(h.fake.calls(.listVoiceModels) == 2)
    }
}
