import ArgumentParser

/// `dubkit voice`: the voices of a project.
struct VoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "List, search and train voices.",
        subcommands: [VoiceList.self, VoiceTrain.self, VoiceRun.self, VoiceExportCommand.self, VoiceImport.self]
    )
}
