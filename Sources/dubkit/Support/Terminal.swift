import Foundation

/// How progress and messages are drawn. Progress goes to stderr (results go to stdout), so whether
/// stderr is a terminal decides between a bar redrawn in place and plain lines; `TERM=dumb` asks for
/// lines. Colour is used on a terminal only, and never when `NO_COLOR` is set (https://no-color.org).
enum Terminal {
    /// True when stderr is a terminal that can redraw a line.
    static var drawsInPlace: Bool {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// True when messages on stderr may be coloured: a terminal, not `TERM=dumb`, `NO_COLOR` unset or empty.
    static var colours: Bool {
        drawsInPlace && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    /// True when `-q`/`--quiet` was given: progress and notes on stderr are left out (errors and
    /// warnings are not). Set once by ``EntryPoint`` before the command runs.
    static var quiet: Bool { settings.withLock { $0 } }

    static func setQuiet(_ quiet: Bool) {
        settings.withLock { $0 = quiet }
    }

    private static let settings = LockedValue(false)

    /// The colours messages use.
    enum Colour: String {
        case red = "31", yellow = "33", bold = "1"
    }

    /// `text` in `colour` when stderr takes colours, else as it is.
    static func coloured(_ text: String, _ colour: Colour) -> String {
        colours ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// `[#####-------]`: `fraction` of `width` cells filled.
    static func bar(_ fraction: Double, width: Int = 24) -> String {
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }
}

/// A value behind a lock, for settings read from any thread.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
