import ArgumentParser

/// `dubkit dub`: the dubs of a project.
struct DubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dub",
        abstract: "Create, run, follow, retry, cancel, delete, list and inspect the dubs of a project.",
        discussion: """
            Examples:
              dubkit dub create --project films --voice local:deep --file take.wav
              dubkit dub run --project films --all
              dubkit dub list --project films --status error
            """,
        subcommands: [DubCreate.self, DubEstimate.self, DubRun.self, DubStatusCommand.self, DubRetryCommand.self, DubCancel.self,
                      DubDelete.self, DubList.self, DubShow.self, DubLog.self]
    )
}
