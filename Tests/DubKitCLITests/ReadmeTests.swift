import DubKitTestSupport
import Foundation
import Testing

/// README's commands run as written. Every line of its `sh` blocks, but the set-up block (the one that
/// runs scripts/dev.sh), lines with a link (`https://`, `http://`) and lines marked `# online` (they
/// need the network or a provider's key; README says so), is run in order, each with bash, from a
/// scratch folder that has the repository's Samples/ and Plugins/ and `dubkit` on PATH, as the
/// repository's folder has after the set-up.
@Suite("README", .serialized)
struct ReadmeTests {
    /// The lines of README's shell blocks, in order, with whether the rule above runs them.
    static func lines() throws -> [(line: String, runs: Bool)] {
        let text = try String(contentsOf: Fixtures.repository.appendingPathComponent("README.md"), encoding: .utf8)
        var result: [(String, Bool)] = []
        var block: [String]?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if block == nil {
                if raw.hasPrefix("```sh") { block = [] }
                continue
            }
            if raw.hasPrefix("```") {
                let lines = block ?? []
                block = nil
                if lines.contains(where: { $0.contains("scripts/dev.sh") }) { continue }
                for line in lines {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                    let online = trimmed.contains("https://") || trimmed.contains("http://") || trimmed.contains("# online")
                    result.append((trimmed, !online))
                }
                continue
            }
            block?.append(raw)
        }
        return result
    }

    @Test("the rule leaves most of README to run, and leaves out only links and lines marked online")
    func rule() throws {
        let lines = try Self.lines()
        let running = lines.filter(\.runs)
        #expect(running.count >= 30, "only \(running.count) lines run")
        #expect(lines.contains { !$0.runs && $0.line.contains("provider login") })
        #expect(running.contains { $0.line.hasPrefix("dubkit convert ") })
        #expect(!running.contains { $0.line.contains("$B") }, "README uses dubkit, not a variable")
    }

    @Test("every offline line of README runs as written, in order, and exits 0")
    func runsAsWritten() throws {
        let dir = try TemporaryDirectory("dubkit-readme")
        let repository = Fixtures.repository
        for name in ["Samples", "Plugins"] {
            try FileManager.default.createSymbolicLink(at: dir.path(name), withDestinationURL: repository.appendingPathComponent(name))
        }
        let bin = dir.path("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("dubkit"),
                                                   withDestinationURL: ChildProcess.productsDirectory.appendingPathComponent("dubkit"))
        let home = dir.path("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let environment = [
            "PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "HOME": home.path, "XDG_CONFIG_HOME": home.appendingPathComponent(".config").path,
        ]
        for (line, runs) in try Self.lines() where runs {
            let result = try ChildProcess.run("/bin/bash", ["-o", "pipefail", "-c", line], environment: environment,
                                              currentDirectory: dir.url)
            #expect(result.status == 0, "README line failed (exit \(result.status)): \(line)\n\(result.stderr)")
            if result.status != 0 { return }
        }
        // What the lines said they make is there.
        for made in ["sample-bright.mp4", "sample-take1.mp4", "speech.wav", "sample.es.mp4", "film.mkv", "dub.m4a",
                     "projects/films/review/index.html", "narrator.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.path(made).path), "\(made) missing")
        }
    }
}
