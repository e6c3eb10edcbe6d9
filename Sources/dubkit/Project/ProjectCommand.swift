import ArgumentParser

/// `dubkit project`: create, list, show and delete projects.
struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Create, list, show and delete dubbing projects.",
        discussion: """
            Examples:
              dubkit project create films
              dubkit project list --json
            """,
        subcommands: [ProjectCreate.self, ProjectList.self, ProjectShow.self, ProjectBudget.self, ProjectDelete.self]
    )
}
