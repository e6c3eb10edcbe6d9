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
    /// When the conversion's first fraction came, for its speed and ETA.
    private var convertingSince: Double?
    /// The seconds of audio being converted (the dub's input, once preprocessed), for the speed.
    var mediaSeconds: (@Sendable () -> Double?)?

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
        let fraction = max(0, min(1, done))
        let percent = Int((fraction * 100).rounded(.down))
        let now = PhaseProgress.now()
        let since = convertingSince ?? now
        convertingSince = since
        guard terminal else {
            if percent / 10 > lastPercent / 10 || lastPercent < 0 {
                lastPercent = percent / 10 * 10
                let line = PhaseProgress.line("converting", Double(lastPercent) / 100, elapsed: now - since,
                                              mediaSeconds: mediaSeconds?(), bar: false)
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            return
        }
        guard percent != lastPercent else { return }
        lastPercent = percent
        let text = PhaseProgress.line("converting", fraction, elapsed: now - since, mediaSeconds: mediaSeconds?())
        FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
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
        if finished {
            lastPercent = -1
            convertingSince = nil
        }
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
