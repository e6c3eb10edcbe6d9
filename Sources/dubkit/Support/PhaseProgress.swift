import DubKit
import Foundation

/// One drawing for every phase of a long job, on stderr: on a terminal a line per phase, redrawn in
/// place, `levelling loudness [#####-----]  42%  85x real time  ETA 0:03`, ended when the next phase
/// starts; off a terminal a plain line at each tenth of a phase; nothing when progress is not shown
/// (`--json`, or whatever ``GlobalOptions/showsProgress`` says). ``summary(_:)`` ends with one line.
final class PhaseProgress: @unchecked Sendable {
    private let shown: Bool
    private let terminal: Bool
    private let lock = NSLock()
    private let clock: () -> Double
    private var phase: String?
    private var phaseStart = 0.0
    private var lastDrawn = -1
    private var drawn = false
    /// When the whole job started, for the summary.
    let started: Double

    init(shown: Bool, terminal: Bool = Terminal.drawsInPlace, clock: @escaping () -> Double = PhaseProgress.now) {
        self.shown = shown
        self.terminal = terminal
        self.clock = clock
        started = clock()
    }

    /// Seconds on a monotonic clock.
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The callback for the core's phased work (exports), or nil when nothing is shown.
    var callback: (@Sendable (WorkProgress) -> Void)? {
        guard shown else { return nil }
        return { [self] progress in update(progress.phase.rawValue, progress.fraction, mediaSeconds: progress.mediaSeconds) }
    }

    /// A fraction-only callback for one named phase (media work that reports 0...1).
    func callback(_ phase: String, mediaSeconds: Double? = nil) -> (@Sendable (Double) -> Void)? {
        guard shown else { return nil }
        return { [self] fraction in update(phase, fraction, mediaSeconds: mediaSeconds) }
    }

    /// Shows `phase` at `fraction` done; a new phase ends the line of the one before.
    func update(_ phase: String, _ fraction: Double, mediaSeconds: Double?) {
        guard shown else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = clock()
        if phase != self.phase {
            endLine()
            self.phase = phase
            phaseStart = now
            lastDrawn = -1
        }
        let done = min(max(fraction, 0), 1)
        let percent = Int((done * 100).rounded(.down))
        let elapsed = now - phaseStart
        let line = Self.line(phase, done, elapsed: elapsed, mediaSeconds: mediaSeconds, bar: terminal)
        if terminal {
            guard percent != lastDrawn else { return }
            lastDrawn = percent
            drawn = true
            FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
        } else if percent / 10 > lastDrawn / 10 || lastDrawn < 0 {
            lastDrawn = percent / 10 * 10
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// `phase [bar] NN%  12.3x real time  ETA 0:04` (speed and ETA once they can be told); without
    /// the bar for plain lines.
    static func line(_ phase: String, _ fraction: Double, elapsed: Double, mediaSeconds: Double?, bar: Bool = true) -> String {
        let percent = Int((fraction * 100).rounded(.down))
        var text = bar ? "\(phase) \(Terminal.bar(fraction)) " + String(format: "%3d%%", percent) : "\(phase) \(percent)%"
        if let speed = speed(fraction, elapsed: elapsed, mediaSeconds: mediaSeconds) {
            text += "  " + String(format: speed >= 10 ? "%.0fx" : "%.1fx", speed) + " real time"
        }
        if fraction > 0.02 && fraction < 1 && elapsed > 0.2 {
            text += "  ETA " + clock(elapsed * (1 - fraction) / fraction)
        }
        return text
    }

    /// Seconds of media done per second of work; nil until it can be told.
    static func speed(_ fraction: Double, elapsed: Double, mediaSeconds: Double?) -> Double? {
        guard let mediaSeconds, mediaSeconds > 0, fraction > 0, elapsed > 0.05 else { return nil }
        return mediaSeconds * fraction / elapsed
    }

    /// `m:ss`, or `h:mm:ss` past an hour.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(max(seconds, 0).rounded(.up))
        return whole >= 3600 ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%d:%02d", whole / 60, whole % 60)
    }

    /// Ends the current phase's line on a terminal.
    func finish() {
        guard shown else { return }
        lock.lock()
        defer { lock.unlock() }
        endLine()
        phase = nil
    }

    private func endLine() {
        if terminal && drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    /// Ends the drawing with one line: `converted 11.7 s in 0.4 s (29x real time) → out.mp4`.
    func summary(_ verb: String, mediaSeconds: Double?, output: String) {
        guard shown else { return }
        finish()
        FileHandle.standardError.write(Data((Self.summaryLine(verb, mediaSeconds: mediaSeconds, seconds: clock() - started, output: output) + "\n").utf8))
    }

    /// The summary's words.
    static func summaryLine(_ verb: String, mediaSeconds: Double?, seconds: Double, output: String) -> String {
        let took = String(format: "%.1f s", seconds)
        guard let mediaSeconds, mediaSeconds > 0 else { return "\(verb) in \(took) → \(output)" }
        let speed = mediaSeconds / max(seconds, 0.001)
        return String(format: "%@ %.1f s in %@ (%@x real time) → %@", verb, mediaSeconds, took,
                      String(format: speed >= 10 ? "%.0f" : "%.1f", speed), output)
    }
}
