import DubKitMedia
import Foundation
import Testing

/// A process that ran and was reaped: its pid names no process (unless the system reuses it at once).
private func deadPID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

@Suite("temporary files named for their owner")
struct OwnedTemporaryTests {
    @Test("a name carries this host and process, and is read back")
    func names() throws {
        let name = OwnedTemporary.name(".out.mp4", suffix: ".partial")
        #expect(name.hasPrefix(".out.mp4~") && name.hasSuffix(".partial"))
        let owner = try #require(OwnedTemporary.owner(of: name))
        #expect(owner.host == OwnedTemporary.host && owner.pid == getpid())
        // A user's own file name with a tilde is not taken for one.
        #expect(OwnedTemporary.owner(of: "notes~draft.txt") == nil)
        #expect(OwnedTemporary.owner(of: "a~b~12~xyz.wav") == nil)
        #expect(OwnedTemporary.name("x") != OwnedTemporary.name("x"))
    }

    @Test("a sweep removes only what dead processes of this host left, and what is older than a day")
    func sweepRule() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let host = OwnedTemporary.host
        let dead = try deadPID()
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { kill(sleeper.processIdentifier, SIGKILL); sleeper.waitUntilExit() }
        let live = sleeper.processIdentifier
        let files = [
            "dead": "extract~\(host)~\(dead)~0badf00d.wav",
            "deadFolder": "page~\(host)~\(dead)~0badf00e",
            "live": "extract~\(host)~\(live)~00c0ffee.wav",
            "mine": OwnedTemporary.name("store"),
            "otherHost": "extract~another-machine~\(dead)~0000beef.wav",
            "untagged": "extract-1234.wav",
            "oldUntagged": "result-5678",
            "oldLive": "mix~\(host)~\(live)~0000abcd.wav",
            "oldOtherHost": "mix~another-machine~\(live)~0000abce.wav",
        ]
        for (key, name) in files {
            let url = scratch.url(name)
            if key == "deadFolder" {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                try Data("x".utf8).write(to: url.appendingPathComponent("inside"))
            } else {
                try Data("x".utf8).write(to: url)
            }
            if key.hasPrefix("old") {
                try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-2 * 86400)], ofItemAtPath: url.path)
            }
        }
        let removed = Set(OwnedTemporary.sweep(scratch.folder, requireOwner: false).map(\.lastPathComponent))
        let expected: Set = ["dead", "deadFolder", "oldUntagged", "oldLive", "oldOtherHost"]
        #expect(removed == Set(expected.compactMap { files[$0] }))
        #expect(Set(scratch.contents()) == Set(["live", "mine", "otherHost", "untagged"].compactMap { files[$0] }))

        // In a folder shared with other programs, a name without an owner is never taken, whatever its age.
        let shared = scratch.url("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        let foreign = shared.appendingPathComponent(".report.pdf.partial")
        try Data("x".utf8).write(to: foreign)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-30 * 86400)], ofItemAtPath: foreign.path)
        let ours = shared.appendingPathComponent(".out.mp4~\(host)~\(dead)~12345678.partial")
        try Data("x".utf8).write(to: ours)
        #expect(OwnedTemporary.sweep(shared, requireOwner: true).map(\.lastPathComponent) == [ours.lastPathComponent])
        #expect(FileManager.default.fileExists(atPath: foreign.path))
    }

    @Test("an extraction removes the partial outputs a killed process left beside its output, and keeps a live one's")
    func extractionSweepsItsFolder() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let input = scratch.url("in.wav")
        try FFmpegTool.run(FFmpegTool.tone(seconds: 0.5) + [input.path])
        let host = OwnedTemporary.host
        let left = scratch.url(".out.wav~\(host)~\(try deadPID())~0badf00d.partial")
        let live = scratch.url(".other.wav~\(host)~\(getpid())~0badf00e.partial")
        for url in [left, live] { try Data("half".utf8).write(to: url) }
        try AudioExtractor.extractAudio(from: input, to: scratch.url("out.wav"))
        #expect(scratch.contents() == [live.lastPathComponent, "in.wav", "out.wav"].sorted())
    }
}
