import Foundation

/// Shows a dub's progress on stderr: one bar rewritten in place on a terminal, plain lines otherwise,
/// nothing with `--json`.
final class StageProgress: @unchecked Sendable {
    /// The steps a dub's report lines go through, in order, matched by their wording.
    private static let steps = ["extracting", "uploading", "preprocessed", "generating", "done"]
    private let lock = NSLock()
    private let terminal: Bool
    private let quiet: Bool

    init(json: Bool) {
        terminal = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        quiet = json
    }

    /// Takes one report line of a runner or trainer.
    func report(_ line: String) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        guard terminal else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
            return
        }
        let index = Self.steps.lastIndex { line.contains(": \($0)") }.map { $0 + 1 } ?? 0
        let width = 24
        let filled = width * index / Self.steps.count
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let text = String(line.prefix(60)).padding(toLength: 60, withPad: " ", startingAt: 0)
        FileHandle.standardError.write(Data("\r[\(bar)] \(text)".utf8))
        if line.contains(": done") || line.contains(": error") {
            FileHandle.standardError.write(Data("\n".utf8))
        }
    }
}
