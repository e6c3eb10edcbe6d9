import ArgumentParser

/// `dubkit voice`: the voices of a project.
struct VoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "List the voices of a project.",
        subcommands: [VoiceList.self]
    )
}
