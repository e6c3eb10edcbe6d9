import ArgumentParser
import DubKit
import Foundation

/// `dubkit project delete NAME --yes`.
struct ProjectDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a project with its store, media and exports.",
        discussion: """
            On a terminal it asks for the project's name; elsewhere --yes is required. Refused while a \
            `dub run` or `voice run` is working on one of its dubs or voices.

            Examples:
              dubkit project delete films
              dubkit project delete films --yes
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The project's name.", valueName: "project"), completion: Completions.projects)
    var name: String

    @OptionGroup var confirmation: ConfirmOption

    func run() throws {
        let workspace = global.resolvedWorkspace
        try confirmation.delete("project '\(name)'",
                                question: "Delete project '\(name)' with all its dubs, voices, media and exports? Type its name to confirm:",
                                answers: [name], acceptsYes: false, json: global.json) {
            try workspace.deleteProject(name)
        }
    }
}
