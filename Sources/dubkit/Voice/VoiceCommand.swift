import ArgumentParser

/// `dubkit voice`: the voices of a project.
struct VoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "List a project's voices or search a provider's catalog.",
        subcommands: [VoiceList.self]
    )
}
