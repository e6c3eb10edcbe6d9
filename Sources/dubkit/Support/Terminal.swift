import Foundation

/// How progress is drawn. Progress goes to stderr (results go to stdout), so whether stderr is a
/// terminal decides between a bar redrawn in place and plain lines; `TERM=dumb` asks for lines.
enum Terminal {
    /// True when stderr is a terminal that can redraw a line.
    static var drawsInPlace: Bool {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    /// `[#####-------]`: `fraction` of `width` cells filled.
    static func bar(_ fraction: Double, width: Int = 24) -> String {
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }
}
