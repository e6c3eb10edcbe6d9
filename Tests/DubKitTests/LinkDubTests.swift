import Crypto
import DubKit
import DubKitHTTP
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// A server that serves one clip made with the ffmpeg program, counting the requests it gets.
private func clipServer(in dir: TemporaryDirectory) throws -> (TestHTTPServer, Data) {
    let clip = dir.path("clip.mp4")
    try Fixtures.video(clip, seconds: 2)
    let bytes = try Data(contentsOf: clip)
    let server = try TestHTTPServer { request in
        request.path == "/clip.mp4"
            ? TestHTTPResponse(headers: [("Content-Type", "video/mp4")], body: .bytes(bytes))
            : .text("not found", status: 404)
    }
    return (server, bytes)
}

@Suite("link dubs: downloaded once, recorded, reused")
struct LinkDubTests {
    @Test("a link dub downloads its link in the upload stage, records the hash, and runs to done")
    func linkDubRuns() async throws {
        let dir = try TemporaryDirectory()
        let (server, bytes) = try clipServer(in: dir)
        let store = try Workspace(root: dir.url).createProject("links")
        let provider = try await PluginProvider.launch(Fixtures.examplePlugin, expectedID: "soxpitch")
        let link = server.url("/clip.mp4").absoluteString
        let id = try #require(try store.createDub(Dub(providerID: "soxpitch", voiceRef: "low", sourceKind: .link, source: link)).id)
        let dub = try await DubRunner(store: store, provider: provider).run(id)
        #expect(dub.status == .done, "\(dub.errorMessage ?? "")")
        let hash = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(dub.linkMediaHash == hash)
        #expect(try Data(contentsOf: store.media.url(for: hash)) == bytes)
        #expect(abs((dub.inputDurationMs ?? 0) - 2000) <= 50)
        let notes = try store.events(of: .dub, id: id).filter { $0.kind == .note }.compactMap(\.message)
        #expect(notes.contains { $0.contains(link) && $0.contains(hash) })
        #expect(server.requests.count == 1)
    }

    @Test("a run interrupted after the download does not download again when run again")
    func rerunDoesNotDownloadAgain() async throws {
        let dir = try TemporaryDirectory()
        let (server, _) = try clipServer(in: dir)
        let store = try Workspace(root: dir.url).createProject("rerun")
        let provider = try await PluginProvider.launch(Fixtures.examplePlugin, expectedID: "soxpitch")
        let id = try #require(try store.createDub(Dub(providerID: "soxpitch", voiceRef: "high", sourceKind: .link,
                                                      source: server.url("/clip.mp4").absoluteString)).id)
        // Stop the run (as Ctrl-C would) right after the download has been recorded.
        let running = Locked<Task<Dub, Error>?>(nil)
        let task = Task {
            try await DubRunner(store: store, provider: provider) { line in
                guard line.contains("downloaded") else { return }
                while running.current == nil { usleep(1000) }
                running.withLock { $0?.cancel() }
            }.run(id)
        }
        running.withLock { $0 = task }
        await #expect(throws: CancellationError.self) { try await task.value }
        let interrupted = try store.dub(id)
        #expect(interrupted.status == .uploading && interrupted.linkMediaHash != nil)
        #expect(server.requests.count == 1)

        let lines = Locked<[String]>([])
        let finished = try await DubRunner(store: store, provider: provider) { line in lines.withLock { $0.append(line) } }.run(id)
        #expect(finished.status == .done, "\(finished.errorMessage ?? "")")
        #expect(finished.linkMediaHash == interrupted.linkMediaHash)
        #expect(server.requests.count == 1, "the rerun fetched the link again")
        #expect(lines.current.contains { $0.contains("not downloading again") })
    }

    @Test("a link that fails (404, refused page) ends the dub in error with the link's code, before any provider job")
    func failingLinkEndsInError() async throws {
        let dir = try TemporaryDirectory()
        let (server, _) = try clipServer(in: dir)
        let store = try Workspace(root: dir.url).createProject("broken")
        let provider = try await PluginProvider.launch(Fixtures.examplePlugin, expectedID: "soxpitch")
        let id = try #require(try store.createDub(Dub(providerID: "soxpitch", voiceRef: "low", sourceKind: .link,
                                                      source: server.url("/gone.mp4").absoluteString)).id)
        let dub = try await DubRunner(store: store, provider: provider).run(id)
        #expect(dub.status == .error)
        #expect(dub.errorCode == "link.not_found")
        #expect(dub.errorMessage?.contains("/gone.mp4") == true)
        #expect(dub.providerJobID == nil && dub.linkMediaHash == nil)
        #expect(try store.stageAttempts(dub: id).map(\.outcome) == [.failed])
    }
}
