import Foundation

/// A percentage rewritten in place on stderr while long media work runs, only on a terminal and
/// never with `--json`; cleared when done.
struct PercentProgress {
    let label: String
    let shown: Bool

    init(_ label: String, json: Bool) {
        self.label = label
        shown = !json && isatty(STDERR_FILENO) == 1
    }

    /// The callback to hand the media layer, or nil when nothing is shown.
    var callback: (@Sendable (Double) -> Void)? {
        guard shown else { return nil }
        let label = label
        return { fraction in
            FileHandle.standardError.write(Data(("\r\(label) " + String(format: "%3.0f%%", fraction * 100)).utf8))
        }
    }

    /// Clears the line.
    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
