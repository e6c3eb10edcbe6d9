import Foundation

/// A program of this package's build run as a child process, its output captured in files.
public final class ChildProcess: @unchecked Sendable {
    /// What a finished child left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    private let process = Process()
    private let outURL: URL
    private let errURL: URL

    /// The folder the package's executables are built into (the test runner's own folder).
    public static var productsDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["DUBKIT_PRODUCTS_DIR"] {
            return URL(fileURLWithPath: dir)
        }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url.deleteLastPathComponent()
        }
        return url
    }

    /// Starts `program` (an executable of this package, or an absolute path) with `arguments`;
    /// `input` is fed to its stdin (else stdin is empty).
    public init(_ program: String, _ arguments: [String], environment: [String: String] = [:],
                currentDirectory: URL? = nil, input: Data? = nil) throws {
        let scratch = FileManager.default.temporaryDirectory
        outURL = scratch.appendingPathComponent("child-\(UUID().uuidString).out")
        errURL = scratch.appendingPathComponent("child-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = program.hasPrefix("/")
            ? URL(fileURLWithPath: program) : Self.productsDirectory.appendingPathComponent(program)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DUBKIT_WORKSPACE")
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            try pipe.fileHandleForWriting.write(contentsOf: input)
            try pipe.fileHandleForWriting.close()
            return
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Runs `program` to completion.
    public static func run(_ program: String, _ arguments: [String], environment: [String: String] = [:],
                           currentDirectory: URL? = nil, input: Data? = nil) throws -> Result {
        let child = try ChildProcess(program, arguments, environment: environment, currentDirectory: currentDirectory, input: input)
        return child.wait()
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// What the child has written to stdout so far.
    public var stdoutSoFar: String {
        (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    }

    /// What the child has written to stderr so far.
    public var stderrSoFar: String {
        (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    }

    /// Waits until stdout (or stderr) contains `marker`; false when `timeout` passes or the child ends first.
    public func waitForOutput(_ marker: String, inStderr: Bool = false, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        let seen = { (inStderr ? self.stderrSoFar : self.stdoutSoFar).contains(marker) }
        while Date() < deadline {
            if seen() { return true }
            if !process.isRunning { return seen() }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    /// True until the child ends.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` (SIGSTOP, SIGCONT, SIGINT…).
    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Sends SIGKILL: the child gets no chance to clean up, as in a crash or power loss.
    public func killHard() {
        kill(process.processIdentifier, SIGKILL)
    }

    /// Waits for the child to end and collects its output.
    public func wait() -> Result {
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
