import DubKit
import DubKitTestSupport
import Foundation
import Testing

@Suite("small files written in one step")
struct AtomicFileTests {
    private func mode(_ url: URL) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
    }

    @Test("the folder is made, the file has the mode asked, a rewrite replaces it whole, no temporary file stays")
    func writesAndReplaces() throws {
        let dir = try TemporaryDirectory()
        let file = dir.path("state/sub/dub-1.json")
        try AtomicFile.write(Data(#"{"urls":["a"]}"#.utf8), to: file, mode: 0o600, folderMode: 0o700)
        #expect(try Data(contentsOf: file) == Data(#"{"urls":["a"]}"#.utf8))
        #expect(try mode(file) == 0o600 && mode(dir.path("state/sub")) == 0o700)
        try AtomicFile.write(Data("short".utf8), to: file, mode: 0o600)
        #expect(try Data(contentsOf: file) == Data("short".utf8))
        // Unflushed, it is replaced whole the same way (what a power cut could lose is not testable here).
        try AtomicFile.write(Data("unflushed".utf8), to: file, mode: 0o600, flush: false)
        #expect(try Data(contentsOf: file) == Data("unflushed".utf8) && mode(file) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("state/sub").path) == ["dub-1.json"])
    }

    @Test("a write that cannot be done names the path, leaves what was there and no temporary file")
    func failureLeavesTheOldState() throws {
        let dir = try TemporaryDirectory()
        // A folder where the file should go: the rename over it fails.
        let target = dir.path("taken")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect {
            try AtomicFile.write(Data("x".utf8), to: target)
        } throws: { error in
            error.localizedDescription.contains(target.path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["taken"])
        // A file where the folder should be.
        try Data("plain".utf8).write(to: dir.path("plain"))
        #expect {
            try AtomicFile.write(Data("x".utf8), to: dir.path("plain/record.json"))
        } throws: { error in
            error.localizedDescription.contains(dir.path("plain").path)
        }
        #expect(try Data(contentsOf: dir.path("plain")) == Data("plain".utf8))
    }
}
