import ArgumentParser
import DubKit

/// `dubkit voice list --project P [--provider ID]`.
struct VoiceList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a project's voices: custom voices and their training status.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var project: ProjectOption

    @Option(help: ArgumentHelp("Only voices of this provider.", valueName: "id"))
    var provider: String?

    func run() throws {
        let voices = try global.open(project.project).voices(provider: provider)
        if global.json {
            try Output.json(voices)
            return
        }
        Output.table(
            ["VOICE", "STATUS", "PROVIDER ID", "LANGUAGES", "CREDITS", "UPDATED"],
            voices.map { voice in
                [voice.reference, voice.status.rawValue, Output.optional(voice.providerVoiceID),
                 voice.languages.joined(separator: ","), String(voice.creditsUsed), Output.time(voice.updatedAt)]
            },
            empty: "no voices in project \(project.project)")
    }
}
