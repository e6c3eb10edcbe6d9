import Foundation

/// Shows a dub's progress on stderr: one bar rewritten in place on a terminal, plain lines otherwise,
/// nothing with `--json`.
final class StageProgress: @unchecked Sendable {
    /// The steps a dub's report lines go through, in order, matched by their wording.
    private static let steps = ["extracting", "uploading", "preprocessed", "generating", "done"]
    private let lock = NSLock()
    private let terminal: Bool
    private let quiet: Bool
    /// The last whole percentage drawn by ``fraction(_:)``, so a redraw happens only when it changes.
    private var lastPercent = -1

    init(json: Bool) {
        terminal = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        quiet = json
    }

    /// Takes the fraction done of the generate step: on a terminal, the bar fills between `preprocessed`
    /// and `generating` and shows the percentage; elsewhere nothing (the report lines say enough).
    func fraction(_ done: Double) {
        guard !quiet, terminal else { return }
        lock.lock()
        defer { lock.unlock() }
        let percent = Int((max(0, min(1, done)) * 100).rounded(.down))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 24
        let start = Self.steps.firstIndex(of: "preprocessed").map { $0 + 1 } ?? 0
        let filled = width * start / Self.steps.count + width * percent / (100 * Self.steps.count)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let text = "converting \(percent)%".padding(toLength: 60, withPad: " ", startingAt: 0)
        FileHandle.standardError.write(Data("\r[\(bar)] \(text)".utf8))
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
