import DubKit
import DubKitTestSupport
import Foundation
import Testing
@testable import DubKitVoiceDSP
@testable import LocalEngine

/// Collects fractions from another thread.
private final class Fractions: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    func add(_ value: Double) { lock.lock(); values.append(value); lock.unlock() }
    var all: [Double] { lock.lock(); defer { lock.unlock() }; return values }
}

@Suite("Conversion progress")
struct ConversionProgressTests {
    @Test("a dub with the local provider reports its generate step from start to 1, never going back")
    func dubRunnerPassesFractions() async throws {
        let fixtures = try SpeechFixtures.shared.get()
        let dir = try TemporaryDirectory("local-progress")
        let store = try Workspace(root: dir.path("ws")).createProject("progress")
        let provider = LocalProvider(stateFolder: dir.path("state"))
        let dub = try store.createDub(Dub(providerID: "local", voiceRef: "bright", sourceKind: .file, source: fixtures.m3Test.path))
        let id = try #require(dub.id)
        let fractions = Fractions()
        let done = try await DubRunner(store: store, provider: provider, pollInterval: 0.01, progress: { fractions.add($0) }).run(id)
        #expect(done.status == .done)
        let seen = fractions.all
        print("generate progress: \(seen.count) updates, \(seen.prefix(3)) … \(seen.suffix(2))")
        #expect(seen.count >= 5)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 <= $1 })
        #expect((seen.first ?? 1) < 0.5)
        #expect(seen.last == 1)
    }
}
