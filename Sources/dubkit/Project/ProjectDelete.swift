import ArgumentParser
import DubKit
import Foundation

/// `dubkit project delete NAME --yes`.
struct ProjectDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a project with its store, media and exports.",
        discussion: """
            Examples:
              dubkit project delete films
              dubkit project delete films --yes
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The project's name.", valueName: "project"), completion: Completions.projects)
    var name: String

    @Flag(name: .long, help: "Delete without asking (required when stdin is not a terminal).")
    var yes = false

    func run() throws {
        let workspace = global.resolvedWorkspace
        if !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                throw ValidationError("refusing to delete project '\(name)' without --yes")
            }
            print("Delete project '\(name)' and all its media and exports? Type its name to confirm: ", terminator: "")
            guard readLine() == name else {
                throw ValidationError("not confirmed; project '\(name)' kept")
            }
        }
        try workspace.deleteProject(name)
        if global.json {
            try Output.json(["deleted": name])
        } else {
            print("deleted project \(name)")
        }
    }
}
