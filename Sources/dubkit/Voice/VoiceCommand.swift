import ArgumentParser

/// `dubkit voice`: the voices of a project.
struct VoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "List, search, train and delete voices.",
        discussion: """
            Examples:
              dubkit voice list --provider local
              dubkit voice list --project films
            """,
        subcommands: [VoiceList.self, VoiceTrain.self, VoiceRun.self, VoiceExportCommand.self, VoiceImport.self, VoiceDelete.self]
    )
}
