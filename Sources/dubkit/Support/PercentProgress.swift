import Foundation

/// Progress of long media work on stderr: a bar and percentage redrawn in place on a terminal, a
/// plain line every 10% otherwise, nothing with `--json`.
final class PercentProgress: @unchecked Sendable {
    let label: String
    private let terminal: Bool
    private let quiet: Bool
    private let lock = NSLock()
    private var lastStep = -1

    init(_ label: String, json: Bool) {
        self.label = label
        quiet = json || Terminal.quiet
        terminal = Terminal.drawsInPlace
    }

    /// The callback to hand the media layer, or nil when nothing is shown.
    var callback: (@Sendable (Double) -> Void)? {
        guard !quiet else { return nil }
        return { [self] fraction in show(fraction) }
    }

    private func show(_ fraction: Double) {
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        lock.lock()
        defer { lock.unlock() }
        if terminal {
            guard percent != lastStep else { return }
            lastStep = percent
            FileHandle.standardError.write(Data(("\r\(label) \(Terminal.bar(fraction)) " + String(format: "%3d%%", percent)).utf8))
        } else if percent / 10 > lastStep {
            lastStep = percent / 10
            FileHandle.standardError.write(Data("\(label) \(lastStep * 10)%\n".utf8))
        }
    }

    /// Clears the line on a terminal.
    func finish() {
        if terminal && !quiet { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
