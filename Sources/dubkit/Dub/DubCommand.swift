import ArgumentParser

/// `dubkit dub`: the dubs of a project.
struct DubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dub",
        abstract: "List and inspect the dubs of a project.",
        subcommands: [DubList.self, DubShow.self, DubLog.self]
    )
}
