/// Text made safe to paste into a POSIX shell, for the commands that messages suggest.
enum ShellWord {
    /// `text` as one single-quoted word.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
