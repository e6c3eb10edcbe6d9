import Foundation

/// Shows a dub's progress on stderr: one bar rewritten in place on a terminal, plain lines otherwise
/// (the conversion's percentage every 10%), nothing with `--json`.
final class StageProgress: @unchecked Sendable {
    /// The steps a dub's report lines go through, in order, matched by their wording.
    private static let steps = ["extracting", "uploading", "preprocessed", "generating", "done"]
    /// The step whose line is said before its work (the conversion's percentage fills it), not after.
    private static let startedStep = "generating"
    private let lock = NSLock()
    private let terminal: Bool
    private let quiet: Bool
    /// The last whole percentage shown by ``fraction(_:)``, so a redraw happens only when it changes.
    private var lastPercent = -1
    /// Steps of the bar filled so far; a line that names no step keeps it, a finished dub or voice resets it.
    private var filledSteps = 0

    init(json: Bool) {
        terminal = Terminal.drawsInPlace
        quiet = json || Terminal.quiet
    }

    /// Takes the fraction done of the generate step: on a terminal, the bar fills the `generating` step
    /// and shows the percentage; elsewhere a plain line every 10%.
    func fraction(_ done: Double) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let percent = Int((max(0, min(1, done)) * 100).rounded(.down))
        guard terminal else {
            if percent / 10 > lastPercent / 10 || lastPercent < 0 {
                lastPercent = percent / 10 * 10
                FileHandle.standardError.write(Data("converting \(lastPercent)%\n".utf8))
            }
            return
        }
        guard percent != lastPercent else { return }
        lastPercent = percent
        let start = Self.steps.firstIndex(of: Self.startedStep) ?? 0
        let bar = Terminal.bar((Double(start) + Double(percent) / 100) / Double(Self.steps.count))
        let text = "converting \(percent)%".padding(toLength: 60, withPad: " ", startingAt: 0)
        FileHandle.standardError.write(Data("\r\(bar) \(text)".utf8))
    }

    /// Takes one report line of a runner or trainer.
    func report(_ line: String) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let finished = line.contains(": done") || line.contains(": error")
        if let index = Self.steps.lastIndex(where: { line.contains(": \($0)") }) {
            filledSteps = max(filledSteps, Self.steps[index] == Self.startedStep ? index : index + 1)
        }
        if finished { lastPercent = -1 }
        guard terminal else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
            if finished { filledSteps = 0 }
            return
        }
        let bar = Terminal.bar(Double(filledSteps) / Double(Self.steps.count))
        let text = String(line.prefix(60)).padding(toLength: 60, withPad: " ", startingAt: 0)
        FileHandle.standardError.write(Data("\r\(bar) \(text)".utf8))
        if finished {
            FileHandle.standardError.write(Data("\n".utf8))
            filledSteps = 0
        }
    }
}
