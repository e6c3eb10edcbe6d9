import Foundation
import PackagePlugin

/// Stamps `dubkit` with the checkout it is built from: before each build, writes `BuildVersion.swift`
/// holding `git describe --tags --always --dirty` of the package (empty when the package is not a git
/// checkout or git is missing). The file is rewritten only when the description changes, so an
/// unchanged checkout recompiles nothing.
@main
struct VersionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let folder = context.pluginWorkDirectoryURL.appendingPathComponent("generated", isDirectory: true)
        return [
            .prebuildCommand(
                displayName: "Stamping dubkit with git describe",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "version-stamp", context.package.directoryURL.path, folder.path],
                outputFilesDirectory: folder),
        ]
    }

    /// `$1` the package's folder, `$2` the folder to write into.
    private static let script = #"""
        mkdir -p "$2" || exit 1
        described=$(git -C "$1" describe --tags --always --dirty 2>/dev/null | tr -cd 'A-Za-z0-9._+-')
        next="$2/BuildVersion.swift.next"
        printf '/// `git describe` of the checkout this build was made from; empty outside a git checkout.\nlet buildGitDescription = "%s"\n' "$described" > "$next" || exit 1
        if cmp -s "$next" "$2/BuildVersion.swift"; then rm -f "$next"; else mv -f "$next" "$2/BuildVersion.swift"; fi
        """#
}
