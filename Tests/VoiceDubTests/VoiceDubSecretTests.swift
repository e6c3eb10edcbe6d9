import DubKit
import DubKitTestSupport
import FakeVoiceDub
import Foundation
import Testing
import VoiceDubProvider

@Suite("the VoiceDub key stays secret")
struct VoiceDubSecretTests {
    @Test("the key is sent as Api-Key but appears in no log line, stored file or error")
    func keyNeverLeaks() async throws {
        let h = try VoiceDubHarness()
        h.fake.inject(.serverError, on: .getDub)
        h.fake.inject(.rateLimited(retryAfterSeconds: 0), on: .preprocessDub)
        let id = try h.fileDub(try h.tone("talk.wav", seconds: 1))
        let dub = try await h.run(id)
        #expect(dub.status == .done)
        // A failing dub too, so errors are stored.
        h.fake.setCredits(0)
        let failed = try await h.run(try h.fileDub(try h.tone("again.wav", seconds: 1)))
        #expect(failed.status == .error)

        let lines = h.log.current
        #expect(lines.contains { $0.contains("Authorization: ***") || $0.contains("Authorization: Api-Key ***") }, "\(lines.prefix(5))")
        #expect(!lines.contains { $0.contains(VoiceDubHarness.key) })
        for file in FileManager.default.enumerator(at: h.dir.path("ws"), includingPropertiesForKeys: nil)?
            .compactMap({ $0 as? URL }) ?? [] {
            guard let data = try? Data(contentsOf: file) else { continue }
            #expect(data.range(of: Data(VoiceDubHarness.key.utf8)) == nil, "the key is in \(file.path)")
        }
        #expect(!(failed.errorMessage ?? "").contains(VoiceDubHarness.key))
    }
}
