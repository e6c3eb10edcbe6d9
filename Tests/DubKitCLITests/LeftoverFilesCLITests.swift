import DubKit
import DubKitMedia
import DubKitTestSupport
import Foundation
import Testing

/// What is in `folder` (hidden files included); nothing when it does not exist.
private func entries(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}

/// Polls `condition` every 5 ms until it holds or `timeout` passes.
private func waitFor(timeout: TimeInterval = 120, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return false
}

@Suite("killed work leaves nothing the next run does not remove", .serialized)
struct LeftoverFilesCLITests {
    /// A workspace, and the folders an export touches.
    private struct Bench {
        let dir: TemporaryDirectory
        var ws: URL { dir.path("ws") }
        /// The child's TMPDIR, which an export sweeps of what killed DubKit processes left there.
        var tmp: URL { dir.path("tmp") }
        var incoming: URL { ws.appendingPathComponent("p/media/.incoming") }
        var out: URL { dir.path("out") }

        init() throws {
            dir = try TemporaryDirectory("leftovers")
            for folder in [tmp, out] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        }

        var environment: [String: String] { ["DUBKIT_WORKSPACE": ws.path, "TMPDIR": tmp.path, "DUBKIT_POLL_INTERVAL": "0.01"] }

        func run(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url)
        }

        func start(_ arguments: [String]) throws -> ChildProcess {
            try ChildProcess("dubkit", arguments, environment: environment, currentDirectory: dir.url)
        }

        func export(_ name: String) -> [String] {
            ["export", "--project", "p", "1", "-o", out.appendingPathComponent(name).path, "--loudness", "-16"]
        }

        /// The project `p` with dub 1 done from a 90-second recording, converted at strength 0 (quickly).
        func doneDub() throws {
            #expect(try run(["project", "create", "p"]).status == 0)
            let input = try recording("take.wav")
            #expect(try run(["dub", "create", "--project", "p", "--voice", "local:bright", "--file", input.path,
                             "--param", "conversionStrength=0"]).status == 0)
            let ran = try run(["dub", "run", "--project", "p", "1"])
            #expect(ran.status == 0, "\(ran.stderr)")
        }

        /// A 90-second stereo recording at 44.1 kHz, long enough to stop a debug build mid-way.
        func recording(_ name: String) throws -> URL {
            let url = dir.path(name)
            let sox = Process()
            sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
            sox.arguments = ["-n", "-r", "44100", "-c", "2", "-b", "16", url.path, "synth", "90", "sine", "200", "sine", "310"]
            try sox.run()
            sox.waitUntilExit()
            return url
        }
    }

    @Test("export killed in each of its phases (levelled audio in media/.incoming, output beside its name): the next export removes what it left, and what a killed loudness pass of an earlier DubKit left in TMPDIR")
    func killedExport() throws {
        let bench = try Bench()
        try bench.doneDub()
        // The loudness pass now measures in memory and keeps no file in TMPDIR; an earlier DubKit's
        // pass did, and a killed one left it there: a file named for a process that is gone.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let leftover = bench.tmp.appendingPathComponent("dubkit-loudness~\(OwnedTemporary.host)~\(gone.processIdentifier)~0badf00d.wav")
        try Data(count: 4096).write(to: leftover)

        // Each phase in turn: the export is killed once its in-flight file is there.
        let phases: [(name: String, folder: URL, file: (String) -> Bool)] = [
            ("levelled audio", bench.incoming, { $0.contains("export~") }),
            ("output", bench.out, { $0.hasPrefix(".dub.flac~") && $0.hasSuffix(".partial") }),
        ]
        for phase in phases {
            let child = try bench.start(bench.export("dub.flac"))
            let reached = waitFor { entries(phase.folder).contains(where: phase.file) || child.stdoutSoFar.contains("wrote ") }
            child.killHard()
            _ = child.wait()
            try? FileManager.default.removeItem(at: bench.out.appendingPathComponent("dub.flac"))
            #expect(reached, "the \(phase.name) phase was never seen")
            #expect(entries(phase.folder).contains(where: phase.file), "killed in the \(phase.name) phase, it left nothing there")
        }

        let finished = try bench.run(bench.export("dub.flac"))
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(entries(bench.out) == ["dub.flac"])
        #expect(entries(bench.incoming).isEmpty, "left in media/.incoming: \(entries(bench.incoming))")
        #expect(entries(bench.tmp).isEmpty, "left in TMPDIR: \(entries(bench.tmp))")
    }

    @Test("an export running beside another keeps its in-flight files: a paused export's files survive two other exports and it then finishes")
    func liveExportIsLeftAlone() throws {
        let bench = try Bench()
        try bench.doneDub()

        let paused = try bench.start(bench.export("a.flac"))
        var stopped = false
        defer {
            if stopped { kill(paused.pid, SIGCONT) }
            paused.killHard()
            _ = paused.wait()
        }
        // First while it levels (its levelled audio in media/.incoming), then while it writes its output.
        let checks: [() -> Bool] = [
            { entries(bench.incoming).contains { $0.contains("export~") } },
            { entries(bench.out).contains { $0.hasPrefix(".a.flac~") && $0.hasSuffix(".partial") } },
        ]
        for (round, check) in checks.enumerated() {
            #expect(waitFor(check), "round \(round): the paused export's file never appeared")
            kill(paused.pid, SIGSTOP)
            stopped = true
            let inFlight = [bench.tmp, bench.incoming, bench.out].flatMap { folder in
                entries(folder).filter { $0.contains("~") }.map { folder.appendingPathComponent($0) }
            }
            #expect(!inFlight.isEmpty)
            let other = try bench.run(bench.export("b\(round).flac"))
            #expect(other.status == 0, "\(other.stderr)")
            for file in inFlight {
                #expect(FileManager.default.fileExists(atPath: file.path), "round \(round): \(file.lastPathComponent) of a live export was removed")
            }
            kill(paused.pid, SIGCONT)
            stopped = false
        }
        let result = paused.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(entries(bench.out) == ["a.flac", "b0.flac", "b1.flac"])
        #expect(entries(bench.incoming).isEmpty && entries(bench.tmp).isEmpty)
    }

    @Test("dataset add killed while it extracts: the next add removes the half-written audio and stores the recording once")
    func killedDatasetAdd() throws {
        let bench = try Bench()
        #expect(try bench.run(["project", "create", "p"]).status == 0)
        // A FLAC is decoded into the store (a WAV already in the store's form would be copied as it is).
        let recording = try bench.recording("take.flac")
        let child = try bench.start(["dataset", "add", "--project", "p", "takes", recording.path])
        let reached = waitFor { entries(bench.incoming).contains { $0.contains("extract~") } }
        child.killHard()
        _ = child.wait()
        #expect(reached, "the extraction was never seen")
        let left = entries(bench.incoming)
        #expect(left.contains { $0.contains("extract~") }, "killed while extracting, it left \(left)")

        let again = try bench.run(["dataset", "add", "--project", "p", "takes", recording.path, "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(entries(bench.incoming).isEmpty, "left in media/.incoming: \(entries(bench.incoming))")
        #expect(entries(bench.tmp).isEmpty, "left in TMPDIR: \(entries(bench.tmp))")
        let store = try Workspace(root: bench.ws).openProject("p")
        #expect(try store.files(of: store.dataset(named: "takes")).count == 1)
    }
}
