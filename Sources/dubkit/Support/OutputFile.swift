import ArgumentParser
import Foundation

/// The one overwrite rule of every command that writes a file or folder the user names: an existing
/// one is replaced only with `--force`. Checked before any work starts.
struct OverwriteOption: ParsableArguments {
    @Flag(help: "Replace the output when it exists (without it, an existing output is an error).")
    var force = false

    /// Refuses `path` when it exists and --force was not given.
    func check(_ path: String?, option: String = "-o") throws(UsageError) {
        guard let path, !force else { return }
        let url = URL(fileURLWithPath: path)
        if FileManager.default.fileExists(atPath: url.path) {
            throw .outputExists(path: url.standardizedFileURL.path, option: option)
        }
    }
}
