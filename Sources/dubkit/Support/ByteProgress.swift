import DubKitHTTP
import Foundation

/// Shows a download's progress on stderr: a bar rewritten in place on a terminal, a plain line at each
/// tenth (every 64 MiB when the size is unknown) otherwise, nothing with `--json`.
final class ByteProgress: @unchecked Sendable {
    private let label: String
    private let terminal: Bool
    private let quiet: Bool
    private let lock = NSLock()
    private var lastStep: Int64 = -1
    private var drawn = false

    init(_ label: String, json: Bool) {
        self.label = label
        terminal = Terminal.drawsInPlace
        quiet = json || Terminal.quiet
    }

    /// The callback to hand a downloader.
    var callback: @Sendable (DownloadProgress) -> Void {
        { [self] progress in update(progress) }
    }

    private func update(_ progress: DownloadProgress) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let total = progress.total.flatMap { $0 > 0 ? $0 : nil }
        if terminal {
            // Redraw at most once per percent (or per MiB without a size).
            let step = total.map { progress.received * 100 / $0 } ?? progress.received >> 20
            guard step != lastStep else { return }
            lastStep = step
            drawn = true
            let bar = total.map { Terminal.bar(Double(min(progress.received, $0)) / Double($0)) }
                ?? "[" + String(repeating: "?", count: 24) + "]"
            let amount = Self.size(progress.received) + (total.map { " / " + Self.size($0) } ?? "")
            FileHandle.standardError.write(Data("\r\(label) \(bar) \(amount)\u{1B}[K".utf8))
            if let total, progress.received >= total {
                // Complete: end the line so what is printed next starts on its own.
                FileHandle.standardError.write(Data("\n".utf8))
                drawn = false
            }
        } else {
            let step = total.map { progress.received * 10 / $0 } ?? progress.received >> 26
            guard step != lastStep, step > 0 else { return }
            lastStep = step
            let amount = Self.size(progress.received) + (total.map { " of " + Self.size($0) } ?? "")
            let percent = total.map { " \(progress.received * 100 / $0)%" } ?? ""
            FileHandle.standardError.write(Data("\(label):\(percent) \(amount)\n".utf8))
        }
    }

    /// Ends the bar's line on a terminal.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if terminal && drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    /// Bytes as people read them (binary units).
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
