import ArgumentParser

/// `dubkit dub`: the dubs of a project.
struct DubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dub",
        abstract: "Create, run, list and inspect the dubs of a project.",
        subcommands: [DubCreate.self, DubEstimate.self, DubRun.self, DubList.self, DubShow.self, DubLog.self]
    )
}
