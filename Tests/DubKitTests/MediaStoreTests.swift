import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("Media store")
struct MediaStoreTests {
    @Test("content is named by its SHA-256, stored once, and nothing is left in the incoming folder")
    func contentAddressedAndDeduplicated() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("media")
        let first = try store.media.put(Data("abc".utf8))
        #expect(first.hash == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(first.byteCount == 3)
        let file = dir.path("take.wav")
        try Data("abc".utf8).write(to: file)
        let second = try store.media.put(contentsOf: file)
        #expect(second == first)
        let stored = store.media.url(for: first.hash)
        #expect(try Data(contentsOf: stored) == Data("abc".utf8))
        #expect(stored.deletingLastPathComponent().lastPathComponent == "ba")
        let incoming = store.media.folder.appendingPathComponent(".incoming")
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming.path).isEmpty)
    }

    @Test("a large file streams through with the right hash")
    func largeFile() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("big")
        var bytes = [UInt8](repeating: 0, count: 3_000_001)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
        let file = dir.path("big.bin")
        try Data(bytes).write(to: file)
        let ref = try store.media.put(contentsOf: file)
        #expect(ref.byteCount == 3_000_001)
        #expect(try Data(contentsOf: store.media.url(for: ref.hash)) == Data(bytes))
    }

    @Test("a writer that fails half-way leaves no file under any hash and nothing in incoming")
    func failedWriteLeavesNothing() throws {
        struct Interrupted: Error {}
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("partial")
        #expect(throws: DubKitError.self) {
            try store.media.write { sink in
                try sink(ArraySlice(Data("half of it".utf8)))
                throw Interrupted()
            }
        }
        let all = FileManager.default.enumerator(atPath: store.media.folder.path)?.allObjects as? [String] ?? []
        #expect(all.filter { !$0.hasPrefix(".incoming") }.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.media.folder.appendingPathComponent(".incoming").path).isEmpty)
    }

    @Test("a missing source file is an error naming it")
    func missingSource() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("missing")
        #expect {
            try store.media.put(contentsOf: dir.path("nope.wav"))
        } throws: { error in
            (error as? DubKitError)?.errorDescription?.contains("nope.wav") == true
        }
    }

    @Test("dataset files refer to stored media; the same recording twice is kept once")
    func datasetFiles() throws {
        let dir = try TemporaryDirectory()
        let store = try Workspace(root: dir.url).createProject("ds")
        let dataset = try store.createDataset(named: "narrator")
        let ref = try store.media.put(Data("pcm".utf8))
        let first = try store.addFile(ref, to: dataset, originalName: "a.wav", durationSeconds: 1.5, sampleRate: 44100, channels: 1)
        let again = try store.addFile(ref, to: dataset, originalName: "copy-of-a.wav", durationSeconds: 1.5, sampleRate: 44100, channels: 1)
        #expect(first.id == again.id)
        #expect(try store.files(of: dataset).count == 1)
        #expect(try store.summary().mediaBytes == 3)
        #expect(throws: DubKitError.duplicate(entity: .dataset, key: "narrator", project: "ds")) {
            try store.createDataset(named: "narrator")
        }
    }
}
