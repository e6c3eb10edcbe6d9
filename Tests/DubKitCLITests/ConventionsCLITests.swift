import DubKitTestSupport
import Foundation
import Testing

/// The conventions of the command line, as swift-argument-parser, git and gh keep them: --version,
/// nearest names for typos, global options anywhere, examples in every help, one overwrite rule,
/// refused repeated options, exit codes, colour only on a terminal.
@Suite("command-line conventions")
struct ConventionsCLITests {
    private static func dubkit(_ arguments: [String], in dir: TemporaryDirectory, environment: [String: String] = [:],
                               input: Data? = nil) throws -> ChildProcess.Result {
        try ChildProcess.run("dubkit", arguments, environment: environment, currentDirectory: dir.url, input: input)
    }

    private static func errorObject(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return try #require(value?["error"] as? [String: Any], "not an error object: \(text)")
    }

    @Test("--version prints the release number and the git description of the build")
    func version() throws {
        let dir = try TemporaryDirectory()
        let result = try Self.dubkit(["--version"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.trimmingCharacters(in: .newlines)
        #expect(line.range(of: #"^\d+\.\d+\.\d+( \([A-Za-z0-9._+-]+\))?$"#, options: .regularExpression) != nil, "\(line)")
        // Built from this checkout, the description names one of its commits (the one built, which
        // may be behind HEAD when something was committed since).
        let inGit = try ChildProcess.run("/usr/bin/git", ["-C", Fixtures.repository.path, "rev-parse", "--git-dir"]).status == 0
        if inGit {
            let commit = try #require(line.range(of: #"[0-9a-f]{7,40}(?=(-dirty)?\)$)"#, options: .regularExpression).map { String(line[$0]) },
                                      "\(line) names no commit")
            let known = try ChildProcess.run("/usr/bin/git", ["-C", Fixtures.repository.path, "cat-file", "-e", commit + "^{commit}"])
            #expect(known.status == 0, "\(line): \(commit) is not a commit of this checkout")
        }
    }

    @Test("a mistyped command or option is answered with the nearest names, exit 2, and nothing is created",
          arguments: [
              (["projet", "list"], "'project'"),
              (["project", "lst"], "'list'"),
              (["dub", "shwo", "--project", "p", "1"], "'show'"),
              (["pro"], "'project' or 'provider'"),
              (["--jsn", "project", "list"], "'--json'"),
              (["project", "list", "--jsn"], "'--json'"),
              (["convert", "in.mp4", "-o", "out.mp4", "--voise", "local:bright"], "'--voice'"),
              (["dub", "create", "--project", "p", "--voice", "local:deep", "--fiel", "a.wav"], "'--file'"),
          ])
    func typos(arguments: [String], suggestion: String) throws {
        let dir = try TemporaryDirectory()
        let result = try Self.dubkit(arguments, in: dir)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.lowercased().contains("did you mean \(suggestion)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty, "a typo created something")
    }

    @Test("a typo with --json is a JSON error naming the nearest command")
    func typoAsJSON() throws {
        let dir = try TemporaryDirectory()
        let result = try Self.dubkit(["--json", "projet"], in: dir)
        #expect(result.status == 2)
        let error = try Self.errorObject(result.stderr)
        #expect(error["code"] as? String == "unknown_command")
        #expect((error["message"] as? String)?.contains("'project'") == true)
        #expect((error["hint"] as? String)?.contains("convert") == true)
    }

    @Test("global options are read before the command, between its words and after it")
    func globalOptionsAnywhere() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws").path
        #expect(try Self.dubkit(["project", "create", "p", "--workspace", ws], in: dir).status == 0)
        let spellings = [
            ["--json", "--workspace", ws, "project", "list"],
            ["project", "--json", "list", "--workspace", ws],
            ["project", "list", "--workspace=\(ws)", "--json"],
            ["--workspace", ws, "project", "list", "--json", "-q"],
            ["-v", "--json", "project", "--workspace", ws, "list"],
        ]
        var outputs: Set<String> = []
        for words in spellings {
            let result = try Self.dubkit(words, in: dir)
            #expect(result.status == 0, "\(words): \(result.stderr)")
            outputs.insert(result.stdout)
        }
        #expect(outputs.count == 1, "the spellings printed different things")
        #expect(outputs.first?.contains("\"name\" : \"p\"") == true)
        // Deeper: the dub list of a project, with the options on every side of `dub` and `list`.
        let dubs = try Self.dubkit(["dub", "--workspace", ws, "list", "--project", "p", "--json"], in: dir)
        #expect(dubs.status == 0 && dubs.stdout.hasPrefix("["), "\(dubs.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("projects").path), "the default workspace was used")

        let both = try Self.dubkit(["-q", "project", "list", "-v", "--workspace", ws], in: dir)
        #expect(both.status == 2 && both.stderr.contains("not both"), "\(both.stderr)")
        let twice = try Self.dubkit(["--workspace", ws, "project", "list", "--workspace", dir.path("other").path], in: dir)
        #expect(twice.status == 2 && twice.stderr.contains("--workspace takes one value"), "\(twice.stderr)")
    }

    /// Every command of the tree, as the words that name it (`["dub", "run"]`), from ArgumentParser's
    /// own description of the tool.
    private static func commandPaths(in dir: TemporaryDirectory) throws -> [[String]] {
        let dump = try dubkit(["--experimental-dump-help"], in: dir)
        let tool = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var paths: [[String]] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            guard let name = command["commandName"] as? String, name != "help" else { return }
            let here = path + [name]
            paths.append(here)
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { walk(sub, here) }
        }
        walk(try #require(tool["command"] as? [String: Any]), [])
        return paths.map { Array($0.dropFirst()) }
    }

    @Test("every command's help has an example of that command, and its usage line names its arguments")
    func examplesEverywhere() throws {
        let dir = try TemporaryDirectory()
        let paths = try Self.commandPaths(in: dir)
        #expect(paths.count >= 41, "\(paths.count) commands")
        for path in paths {
            let help = try Self.dubkit(path + ["--help"], in: dir)
            #expect(help.status == 0, "\(path)")
            let lines = help.stdout.split(separator: "\n").map(String.init)
            let examples = lines.drop { $0 != "Examples:" }.dropFirst().prefix { $0.hasPrefix("  ") }
            let named = (["dubkit"] + path).joined(separator: " ")
            #expect(examples.contains { $0.contains(named) }, "\(named) --help has no example of \(named)")
            for line in examples { #expect(line.count <= 80, "\(named): example wrapped: \(line)") }
            let usage = lines.first { $0.hasPrefix("USAGE:") } ?? ""
            for generic in ["<ids>", "<id>", "<name>", "<names>", "<files>"] {
                #expect(!usage.contains(generic), "\(named): usage names a value by its property, not what it is: \(usage)")
            }
        }
    }

    @Test("convert --help lists the built-in voices")
    func convertVoices() throws {
        let dir = try TemporaryDirectory()
        let help = try Self.dubkit(["convert", "--help"], in: dir)
        for voice in ["local:deep", "local:warm", "local:bright", "local:child"] {
            #expect(help.stdout.contains(voice), "\(voice) missing")
        }
    }

    @Test("an option that takes one value, given twice, is refused before anything is written")
    func repeatedOptions() throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws").path
        try Fixtures.tone(dir.path("a.wav"))
        try Fixtures.tone(dir.path("b.wav"), frequency: 330)
        #expect(try Self.dubkit(["project", "create", "p", "--workspace", ws], in: dir).status == 0)
        let twice = try Self.dubkit(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", "a.wav",
                                     "--file", "b.wav", "--workspace", ws], in: dir)
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("--file takes one value but was given 2: 'a.wav', 'b.wav'"), "\(twice.stderr)")
        let listed = try Self.dubkit(["dub", "list", "--project", "p", "--json", "--workspace", ws], in: dir)
        #expect(listed.stdout.filter { !$0.isWhitespace } == "[]", "a dub was created: \(listed.stdout)")

        let short = try Self.dubkit(["media", "extract", "a.wav", "-o", "x.wav", "--output=y.wav"], in: dir)
        #expect(short.status == 2 && short.stderr.contains("--output takes one value"), "\(short.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.wav").path))
        #expect(!FileManager.default.fileExists(atPath: dir.path("y.wav").path))

        // Options that collect values may repeat: this export fails later, on the dub, not on the options.
        let collected = try Self.dubkit(["export", "--project", "p", "7", "8", "-o", "f.mkv", "--language", "spa",
                                         "--language", "fra", "--workspace", ws, "--json"], in: dir)
        #expect(collected.status == 1, "\(collected.stderr)")
        #expect(try Self.errorObject(collected.stderr)["code"] as? String != "repeated_option")
    }

    @Test("an output that exists is refused without --force (exit 2, untouched), for every command that writes one",
          arguments: [
              ["media", "extract", "in.wav", "-o", "OUT"],
              ["media", "remux", "in.mp4", "in.wav", "-o", "OUT"],
              ["convert", "in.wav", "-o", "OUT", "--voice", "local:deep"],
              ["export", "--project", "p", "1", "-o", "OUT"],
              ["voice", "export", "--project", "p", "v", "-o", "OUT"],
              ["review", "--project", "p", "-o", "OUT"],
          ])
    func overwriteRefused(arguments: [String]) throws {
        let dir = try TemporaryDirectory()
        let ws = dir.path("ws").path
        try Fixtures.tone(dir.path("in.wav"))
        try Fixtures.video(dir.path("in.mp4"), seconds: 1)
        #expect(try Self.dubkit(["project", "create", "p", "--workspace", ws], in: dir).status == 0)
        let out = dir.path("existing.out")
        try Data("keep me".utf8).write(to: out)
        let words = arguments.map { $0 == "OUT" ? out.path : $0 } + ["--workspace", ws, "--json"]
        let result = try Self.dubkit(words, in: dir)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        let error = try Self.errorObject(result.stderr)
        #expect(error["code"] as? String == "output_exists")
        #expect((error["message"] as? String)?.contains("add --force") == true)
        #expect(try Data(contentsOf: out) == Data("keep me".utf8))
        // convert would record its work in the project `default`: nothing was.
        #expect(!FileManager.default.fileExists(atPath: dir.path("ws/default").path))
    }

    @Test("with --force an existing output is replaced")
    func overwriteForced() throws {
        let dir = try TemporaryDirectory()
        try Fixtures.tone(dir.path("in.wav"))
        try Data("old".utf8).write(to: dir.path("out.wav"))
        let result = try Self.dubkit(["media", "extract", "in.wav", "-o", "out.wav", "--force"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: dir.path("out.wav")).count > 1000)
    }

    @Test("exit codes: 0 done, 1 the work failed, 2 bad usage or input",
          arguments: [
              (["project", "create", "p"], Int32(0)),
              (["project", "list"], Int32(0)),
              (["project", "show", "nosuch"], Int32(1)),
              (["media", "probe", "missing.mp4"], Int32(1)),
              (["project", "create"], Int32(2)),
              (["project", "create", "../x"], Int32(2)),
              (["dub", "list", "--project", "p", "--status", "finished"], Int32(2)),
              (["dub", "run", "--project", "p", "--jobs", "0", "--all"], Int32(2)),
              (["nosuchcommand"], Int32(2)),
              (["project", "list", "--nosuchoption"], Int32(2)),
          ])
    func exitCodes(arguments: [String], code: Int32) throws {
        let dir = try TemporaryDirectory()
        let result = try Self.dubkit(arguments, in: dir, environment: ["DUBKIT_WORKSPACE": dir.path("ws").path])
        #expect(result.status == code, "\(arguments): \(result.stderr)")
        if code != 0 { #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)") }
    }

    @Test("a dub that ends in error exits 1")
    func failedWorkExitsOne() throws {
        let dir = try TemporaryDirectory()
        let env = ["DUBKIT_WORKSPACE": dir.path("ws").path]
        try Fixtures.tone(dir.path("gone.wav"))
        #expect(try Self.dubkit(["project", "create", "p"], in: dir, environment: env).status == 0)
        #expect(try Self.dubkit(["dub", "create", "--project", "p", "--voice", "local:deep", "--file", "gone.wav"],
                                in: dir, environment: env).status == 0)
        try FileManager.default.removeItem(at: dir.path("gone.wav"))
        let run = try Self.dubkit(["dub", "run", "--project", "p", "1"], in: dir, environment: env)
        #expect(run.status == 1, "\(run.stderr)")
    }

    @Test("provider login with nothing on stdin says no key was read (exit 2) and saves nothing")
    func loginWithoutKey() throws {
        let dir = try TemporaryDirectory()
        let env = ["DUBKIT_CONFIG_DIR": dir.path("config").path, "DUBKIT_WORKSPACE": dir.path("ws").path]
        for input in [Data(), Data("\n  \n".utf8)] {
            let result = try Self.dubkit(["provider", "login", "voicedub"], in: dir, environment: env, input: input)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("no key was read for voicedub"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.path("config/credentials.json").path))
        }
        let saved = try Self.dubkit(["provider", "login", "voicedub"], in: dir, environment: env, input: Data("k-123\n".utf8))
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(!saved.stdout.contains("k-123") && !saved.stderr.contains("k-123"))
    }

    @Test("-q leaves progress and notes out; errors still show")
    func quiet() throws {
        let dir = try TemporaryDirectory()
        try Fixtures.tone(dir.path("in.wav"), seconds: 20, rate: 44_100)
        let loud = try Self.dubkit(["media", "extract", "in.wav", "-o", "a.flac"], in: dir)
        #expect(loud.status == 0 && loud.stderr.contains("extracting"), "\(loud.stderr)")
        let quiet = try Self.dubkit(["-q", "media", "extract", "in.wav", "-o", "b.flac"], in: dir)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
        let failed = try Self.dubkit(["media", "extract", "missing.wav", "-o", "c.flac", "--quiet"], in: dir)
        #expect(failed.status == 1 && failed.stderr.hasPrefix("error: "), "\(failed.stderr)")
    }

    @Test("error: is coloured on a terminal, never with NO_COLOR, never off a terminal")
    func colour() throws {
        let dir = try TemporaryDirectory()
        let dubkit = ChildProcess.productsDirectory.appendingPathComponent("dubkit").path
        let command = "'\(dubkit)' project show nosuch --workspace '\(dir.path("ws").path)'"
        // script(1) runs the command on a pseudo-terminal and copies what it wrote to its stdout.
        let coloured = try ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["TERM": "xterm", "NO_COLOR": ""])
        #expect(coloured.stdout.contains("\u{1B}[31merror:\u{1B}[0m"), "\(coloured.stdout.debugDescription)")
        let plain = try ChildProcess.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["TERM": "xterm", "NO_COLOR": "1"])
        #expect(plain.stdout.contains("error: no project") && !plain.stdout.contains("\u{1B}["), "\(plain.stdout.debugDescription)")
        let piped = try Self.dubkit(["project", "show", "nosuch"], in: dir, environment: ["NO_COLOR": ""])
        #expect(piped.stderr.hasPrefix("error: ") && !piped.stderr.contains("\u{1B}["))
    }

    @Test("completion scripts for bash, zsh and fish; project names, voices and dub ids complete from the store")
    func completions() throws {
        let dir = try TemporaryDirectory()
        let env = ["DUBKIT_WORKSPACE": dir.path("ws").path]
        for shell in ["bash", "zsh", "fish"] {
            let script = try Self.dubkit(["--generate-completion-script", shell], in: dir)
            #expect(script.status == 0 && script.stdout.contains("---completion"), "\(shell)")
        }
        try Fixtures.tone(dir.path("a.wav"))
        for name in ["films", "archive"] { #expect(try Self.dubkit(["project", "create", name], in: dir, environment: env).status == 0) }
        for _ in 0..<2 {
            #expect(try Self.dubkit(["dub", "create", "--project", "films", "--voice", "local:deep", "--file", "a.wav"],
                                    in: dir, environment: env).status == 0)
        }
        // What the shell scripts run: `dubkit ---completion PATH -- ARGUMENT CWORD CURSOR WORDS…`.
        let projects = try Self.dubkit(["---completion", "dub", "list", "--", "--project", "4", "0",
                                        "dubkit", "dub", "list", "--project", ""], in: dir, environment: env)
        #expect(projects.stdout.split(separator: "\n") == ["archive", "films"], "\(projects.stdout)\(projects.stderr)")
        let ids = try Self.dubkit(["---completion", "dub", "show", "--", "positional@0", "5", "0",
                                   "dubkit", "dub", "show", "--project", "films", ""], in: dir, environment: env)
        #expect(ids.stdout.split(separator: "\n") == ["1", "2"], "\(ids.stdout)\(ids.stderr)")
        let voices = try Self.dubkit(["---completion", "convert", "--", "--voice", "3", "7", "dubkit", "convert", "--voice", "local:b"],
                                     in: dir, environment: env)
        #expect(voices.stdout.split(separator: "\n") == ["local:bright"], "\(voices.stdout)\(voices.stderr)")
    }
}
